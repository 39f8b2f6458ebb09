// `npm run sandbox`: the whole service (`npm start`) against simulated Zoho CRM and Moodle
// (the test simulators in tests/fakes, which answer like the real systems), so a newcomer
// can watch events flow without credentials. Nothing leaves this machine. Not for production.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createMoodleSimulator } from '../tests/fakes/moodleSimulator.ts';
import { createZohoSimulator } from '../tests/fakes/zohoSimulator.ts';

const whsec = () => `whsec_${randomBytes(32).toString('base64')}`;
const zoho = await createZohoSimulator();
const moodle = await createMoodleSimulator();
const [studentId] = zoho.seed('BTEC_Students', [{
  Name: 'ST-SANDBOX-1', First_Name: 'Sandbox', Last_Name: 'Student', Academic_Email: 'sandbox.student@college.example', Status: 'Active',
}]);

const env: Record<string, string | undefined> = {
  ...process.env,
  ZOHO_WEBHOOK_SECRET: process.env.ZOHO_WEBHOOK_SECRET || whsec(),
  MOODLE_WEBHOOK_SECRET: process.env.MOODLE_WEBHOOK_SECRET || whsec(),
  ZOHO_ACCOUNTS_URL: zoho.accountsUrl,
  ZOHO_CLIENT_ID: zoho.clientId,
  ZOHO_CLIENT_SECRET: zoho.clientSecret,
  ZOHO_REFRESH_TOKEN: zoho.refreshToken,
  ZOHO_API_URL: zoho.apiUrl,
  ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  MOODLE_URL: moodle.url,
  MOODLE_TOKEN: moodle.token,
};
const port = env.PORT || '8080';
process.stdout.write(`
Sandbox: simulated Zoho at ${zoho.apiUrl}, simulated Moodle at ${moodle.url}.
The service starts below (embedded PostgreSQL unless DATABASE_URL is set). In another shell:

  export ZOHO_WEBHOOK_SECRET='${env.ZOHO_WEBHOOK_SECRET}' PORT=${port}
  bin/send-event zoho student --record ${studentId}     # a signed Zoho event for the seeded student
  bin/jobs list                                         # what became of it
  curl http://127.0.0.1:${port}/health/ready            # Moodle as the service sees it

Stop with Ctrl-C.

`);

const child = spawn(process.execPath, [fileURLToPath(new URL('./start.ts', import.meta.url))], { env, stdio: 'inherit' });
const stop = () => child.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
child.on('exit', async (code) => {
  await Promise.all([zoho.close(), moodle.close()]);
  process.exit(code ?? 1);
});
