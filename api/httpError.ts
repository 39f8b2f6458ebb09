/** An error the ingress answers with its status and a JSON body `{status:"error", error, message}`. */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** zod issues as paths and messages; never the received values (they may hold personal data). */
export function describeZodIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]) {
  return issues.slice(0, 20).map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
}
