import { Webhook } from 'standardwebhooks';
import { SIMULATED_MOODLE_SECRET } from '../../sandbox/simulatorSecrets.ts';

export const ZOHO_SECRET = `whsec_${Buffer.from('zoho-test-secret-of-32-bytes-len').toString('base64')}`;
/** What the simulated Moodle plugin signs with by default. */
export const MOODLE_SECRET = SIMULATED_MOODLE_SECRET;
export const ZOHO_TOKEN = 'zoho-shared-token-0123456789abcdef0123';

/** Standard Webhooks headers for `body`, as the Moodle plugin or a Deluge function sends them. */
export function signedHeaders(
  secret: string,
  body: string,
  options: { id?: string; timestamp?: Date } = {},
): Record<string, string> {
  const id = options.id ?? `msg_${Math.random().toString(36).slice(2)}`;
  const timestamp = options.timestamp ?? new Date();
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, timestamp, body),
  };
}
