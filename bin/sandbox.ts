// `npm run sandbox`: the whole service (`npm start`) against simulated Zoho CRM and Moodle
// (the simulators of sandbox/, which answer like the real systems and which the tests use too), so a newcomer
// can watch events flow without credentials. Nothing leaves this machine. Not for production.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createMoodleSimulator } from '../sandbox/moodleSimulator.ts';
import { createZohoSimulator } from '../sandbox/zohoSimulator.ts';

const whsec = () => `whsec_${randomBytes(32).toString('base64')}`;
const zoho = await createZohoSimulator();
const moodle = await createMoodleSimulator();
// A small college: a program, a teacher, an Active class of that program, a student and
// the student's enrollment in the class.
const lookup = (id: string | undefined, name: string) => ({ id: id!, name });
const [programId] = zoho.seed('Products', [{ Product_Name: 'Level 5 Business (sandbox)' }]);
const [teacherId] = zoho.seed('BTEC_Teachers', [
  { Name: 'Sandbox Teacher', Academic_Email: 'sandbox.teacher@college.example' },
]);
const [classId] = zoho.seed('BTEC_Classes', [
  {
    Name: 'CL-SANDBOX-1',
    Class_Name: 'Unit 1 Business Environment',
    Class_Short_Name: 'U1-BENV',
    Class_Status: 'Active',
    BTEC_Program: lookup(programId, 'Level 5 Business (sandbox)'),
    Teacher: lookup(teacherId, 'Sandbox Teacher'),
    Start_Date: '2026-09-01',
    End_Date: '2027-01-31',
  },
]);
const [studentId] = zoho.seed('BTEC_Students', [
  {
    Name: 'ST-SANDBOX-1',
    First_Name: 'Sandbox',
    Last_Name: 'Student',
    Academic_Email: 'sandbox.student@college.example',
    Status: 'Active',
  },
]);
const [enrollmentId] = zoho.seed('BTEC_Enrollments', [
  {
    Name: 'EN-SANDBOX-1',
    Enrolled_Students: lookup(studentId, 'Sandbox Student'),
    Classes: lookup(classId, 'Unit 1 Business Environment'),
  },
]);

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
  bin/send-event zoho student --record ${studentId}     # a signed Zoho event: the student becomes a Moodle user
  bin/send-event zoho enrollment --record ${enrollmentId}  # the enrolment: brings its class, program and teacher along
  bin/jobs list                                         # what became of it
  ZOHO_ACCOUNTS_URL=${zoho.accountsUrl} ZOHO_API_URL=${zoho.apiUrl} ZOHO_CLIENT_ID=${zoho.clientId} \\
  ZOHO_CLIENT_SECRET=${zoho.clientSecret} ZOHO_REFRESH_TOKEN=${zoho.refreshToken} ENCRYPTION_KEY=${env.ENCRYPTION_KEY} \\
  bin/sync --all                                        # bulk load everything the simulated Zoho holds
  curl http://127.0.0.1:${port}/health/ready            # Moodle as the service sees it

Stop with Ctrl-C.

`);

const child = spawn(process.execPath, [fileURLToPath(new URL('./start.ts', import.meta.url))], {
  env,
  stdio: 'inherit',
});
const stop = () => child.kill('SIGTERM');
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
child.on('exit', (code) => {
  void Promise.all([zoho.close(), moodle.close()]).finally(() => process.exit(code ?? 1));
});
