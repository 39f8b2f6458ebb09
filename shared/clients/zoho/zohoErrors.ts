import { PermanentError } from '../../domain/errors.ts';

/** Zoho is set up wrongly for us (refresh token, client, scopes): loud, permanent until fixed. */
export class ZohoConfigurationError extends PermanentError {}

/**
 * A create refused because a unique field already holds the value: carries the existing
 * record's id, so the caller can update that record instead.
 */
export class ZohoDuplicateError extends PermanentError {
  readonly existingId: string | undefined;
  readonly field: string | undefined;
  constructor(message: string, existingId: string | undefined, field: string | undefined) {
    super('zoho.duplicate', message);
    this.existingId = existingId;
    this.field = field;
  }
}
