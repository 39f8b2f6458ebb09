/** A Standard Webhooks secret: `whsec_` + base64 of the key (24 to 64 random bytes, as the spec and the plugin's signer require). */
const SECRET = /^whsec_([A-Za-z0-9+/]+={0,2})$/;

/** The key bytes of a `whsec_` secret, or null when it is not one (wrong form, or a key of another length). */
export function decodeWebhookSecret(secret: string): Buffer | null {
  const match = SECRET.exec(secret.trim());
  if (!match) return null;
  const key = Buffer.from(match[1]!, 'base64');
  return key.length >= 24 && key.length <= 64 ? key : null;
}
