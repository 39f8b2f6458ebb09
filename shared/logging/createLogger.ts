import { pino, type Logger, type DestinationStream } from 'pino';

/**
 * Keys whose values never reach a log line. pino matches exact paths, so secrets
 * must travel under these names (pino docs/redaction.md).
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["webhook-signature"]',
  'req.headers["x-zoho-signature"]',
  'req.headers["x-moodle-signature"]',
  'headers.authorization',
  'headers["webhook-signature"]',
  '*.accessToken',
  '*.refreshToken',
  '*.clientSecret',
  '*.password',
  '*.secret',
  '*.token',
  '*.wstoken',
  'config.DATABASE_URL',
  'config.ZOHO_WEBHOOK_SECRET',
  'config.MOODLE_WEBHOOK_SECRET',
  'config.ZOHO_WEBHOOK_TOKEN',
  'config.ADMIN_TOKEN',
];

export interface LoggerOptions {
  service: string;
  level: string;
  /** Where lines go; tests pass a stream to read them back. Defaults to stdout. */
  destination?: DestinationStream;
}

/** Builds the one root logger of a process. */
export function createLogger({ service, level, destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      base: { service },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError },
    },
    destination,
  );
}

/**
 * Errors as pino serialises them, minus what may carry payloads or personal data:
 * slonik's errors hold the query's bound `values` and the offending `row`.
 */
function serializeError(error: unknown): Record<string, unknown> {
  const serialized = { ...pino.stdSerializers.err(error as Error) } as Record<string, unknown>;
  delete serialized.values;
  delete serialized.row;
  return serialized;
}

export type { Logger };
