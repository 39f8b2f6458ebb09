import { Webhook, WebhookVerificationError } from 'standardwebhooks';

export { WebhookVerificationError };

/** `webhook-timestamp`: whole Unix seconds, nothing else (also rendered in /openapi.json). */
export const WEBHOOK_TIMESTAMP_PATTERN = /^\d{1,12}$/;

export interface VerifiedDelivery {
  /** `webhook-id`: the sender's idempotency key, the same on every retry. */
  webhookId: string;
}

/**
 * A Standard Webhooks verifier for one secret (`whsec_…`): HMAC-SHA256 over
 * `id.timestamp.rawBody`, timestamps within ±5 minutes, any of several `v1,`
 * signatures (key rotation), constant-time comparison — all done by the reference
 * `standardwebhooks` library; this wrapper only fixes what it is given.
 */
export function createStandardWebhookVerifier(secret: string) {
  const webhook = new Webhook(secret);
  return function verifyStandardWebhook(
    rawBody: Buffer,
    headers: Record<string, string | string[] | undefined>,
  ): VerifiedDelivery {
    const id = single(headers['webhook-id']);
    const timestamp = single(headers['webhook-timestamp']);
    const signature = single(headers['webhook-signature']);
    if (!id || !timestamp || !signature) throw new WebhookVerificationError('Missing required headers');
    // The library takes parseInt of the header, which accepts "123abc": be exact.
    if (!WEBHOOK_TIMESTAMP_PATTERN.test(timestamp)) throw new WebhookVerificationError('Invalid Signature Headers');
    webhook.verify(
      rawBody,
      {
        'webhook-id': id,
        'webhook-timestamp': timestamp,
        'webhook-signature': signature,
      },
      { jsonParse: false },
    );
    return { webhookId: id };
  };
}

export type StandardWebhookVerifier = ReturnType<typeof createStandardWebhookVerifier>;

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? undefined : value;
}
