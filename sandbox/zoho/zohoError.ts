/**
 * A Zoho CRM top-level error: `{"code","details","message","status":"error"}` with an HTTP status.
 * Envelope documented at https://www.zoho.com/crm/developer/docs/api/v8/status-codes.html
 * (examples: docs/api-facts.md §1e, `zoho/crm-oas` v8.0 `API_Exception`).
 */
export class ZohoError extends Error {
  readonly httpStatus: number;
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(httpStatus: number, code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.httpStatus = httpStatus;
    this.code = code;
    this.details = details;
  }

  toBody(): Record<string, unknown> {
    return { code: this.code, details: this.details, message: this.message, status: 'error' };
  }
}
