import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import t from 'tap';
import { Webhook } from 'standardwebhooks';
import { z } from 'zod';
import { createStandardWebhookVerifier, WebhookVerificationError } from '../../api/verify/standardWebhook.ts';
import { phpMissingReason, skipWithoutPhp, toolInstalled } from '../helpers/phpTools.ts';
import { PROJECT_ROOT } from '../helpers/spawnProcess.ts';

/**
 * Both ends of the Moodle → service signature agree: the shared vector
 * (tests/fixtures/signing/standard-webhooks.json, also asserted by the plugin's PHPUnit suite)
 * matches the service's library, and what the PHP signer produces now is accepted by the
 * service's real verifier.
 */

const vectorSchema = z.object({
  secret: z.string().startsWith('whsec_'),
  id: z.string().min(1),
  timestamp: z.number().int(),
  body: z.string(),
  signature: z.string().startsWith('v1,'),
});
const vector = vectorSchema.parse(
  JSON.parse(readFileSync(`${PROJECT_ROOT}tests/fixtures/signing/standard-webhooks.json`, 'utf8')),
);

/** Runs the plugin's signer (moodle-plugin/tests-pure/sign_cli.php) on `body`, signed with the current time. */
function signWithPhp(
  secret: string,
  id: string,
  body: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('php', [`${PROJECT_ROOT}moodle-plugin/tests-pure/sign_cli.php`, secret, id], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(body, 'utf8');
  });
}

const headersSchema = z.object({
  'webhook-id': z.string(),
  'webhook-timestamp': z.string().regex(/^\d+$/),
  'webhook-signature': z.string(),
});

t.test('the service library computes the shared vector signature', async (t) => {
  const signature = new Webhook(vector.secret).sign(vector.id, new Date(vector.timestamp * 1000), vector.body);
  t.equal(signature, vector.signature, 'same signature as the fixture');
});

// Without php: skipped with the install command, except under CI, where it runs and fails.
const phpMissing = (await toolInstalled('php')) ? [] : ['php'];

t.test(
  'the service verifier accepts what the PHP signer produces now',
  { skip: skipWithoutPhp(phpMissing) },
  async (t) => {
    let result;
    try {
      result = await signWithPhp(vector.secret, vector.id, vector.body);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        t.fail(phpMissingReason(['php']));
        return;
      }
      throw error;
    }
    t.equal(result.code, 0, 'the PHP signer exits 0', { stderr: result.stderr });
    const headers = headersSchema.parse(JSON.parse(result.stdout));
    t.equal(headers['webhook-id'], vector.id, 'the delivery id is the webhook-id');
    t.ok(Math.abs(Number(headers['webhook-timestamp']) - Date.now() / 1000) < 60, 'signed with the current time');

    const verify = createStandardWebhookVerifier(vector.secret);
    t.same(verify(Buffer.from(vector.body, 'utf8'), headers), { webhookId: vector.id }, 'the verifier accepts it');

    // And the verification is real: one changed byte of the body, or another secret, is refused.
    t.throws(
      () => verify(Buffer.from(vector.body.replace('"grade":"3"', '"grade":"4"'), 'utf8'), headers),
      WebhookVerificationError,
    );
    const other = `whsec_${Buffer.from('another-secret-of-32-bytes-long!').toString('base64')}`;
    t.throws(
      () => createStandardWebhookVerifier(other)(Buffer.from(vector.body, 'utf8'), headers),
      WebhookVerificationError,
    );
  },
);
