import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { describeEmbeddedSecrets } from '../../../bin/lib/describeEmbeddedSecrets.ts';
import {
  delugeKey,
  generateEmbeddedSecrets,
  provideEmbeddedSecrets,
  readEmbeddedSecrets,
  secretsNeeded,
  SECRETS_FILE_NAME,
} from '../../../shared/config/embeddedSecrets.ts';
import { apiEnvSchema, loadConfig, workerEnvSchema } from '../../../shared/config/env.ts';
import { withEmbeddedSetup } from '../../../shared/db/embeddedPostgres.ts';
import { MOODLE_SECRET, ZOHO_SECRET } from '../../helpers/signing.ts';

const DATABASE_URL = 'postgres://svc@db.internal:5432/moodle_zoho_sync';
const ZOHO_OAUTH = {
  ZOHO_ACCOUNTS_URL: 'https://accounts.zoho.eu',
  ZOHO_CLIENT_ID: '1000.ABCDEFGHIJ',
  ZOHO_CLIENT_SECRET: 'client-secret-1',
  ZOHO_REFRESH_TOKEN: 'refresh-token-1',
};

function tempDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'mzs-secrets-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

t.test('generated secrets are what the ingress and the worker accept, and differ each time', async (t) => {
  const secrets = generateEmbeddedSecrets();
  t.match(secrets.ZOHO_WEBHOOK_SECRET, /^whsec_[A-Za-z0-9+/]+={0,2}$/);
  t.match(
    delugeKey(secrets.ZOHO_WEBHOOK_SECRET),
    /^[0-9a-f]{32}$/,
    'the Deluge key is text (32 hex digits): Deluge signs with a text key',
  );
  t.equal(Buffer.from(secrets.ENCRYPTION_KEY, 'base64').length, 32);
  const api = loadConfig(apiEnvSchema, { DATABASE_URL, ...secrets });
  t.equal(api.MOODLE_WEBHOOK_SECRET, secrets.MOODLE_WEBHOOK_SECRET);
  t.equal(
    loadConfig(workerEnvSchema, { DATABASE_URL, ...ZOHO_OAUTH, ...secrets }).ENCRYPTION_KEY,
    secrets.ENCRYPTION_KEY,
  );
  t.not(generateEmbeddedSecrets().MOODLE_WEBHOOK_SECRET, secrets.MOODLE_WEBHOOK_SECRET);
  t.throws(() => delugeKey('whsec_short'), /not a whsec_ secret/);
});

t.test(
  'the file stands in for the webhook secrets the environment lacks, and for ENCRYPTION_KEY only with the Zoho settings',
  async (t) => {
    t.same(secretsNeeded({}), ['ZOHO_WEBHOOK_SECRET', 'MOODLE_WEBHOOK_SECRET']);
    t.same(
      secretsNeeded({ ZOHO_WEBHOOK_SECRET: '', MOODLE_WEBHOOK_SECRET: '' }),
      ['ZOHO_WEBHOOK_SECRET', 'MOODLE_WEBHOOK_SECRET'],
      'empty (cp .env.example .env) counts as unset',
    );
    t.same(secretsNeeded({ ZOHO_WEBHOOK_SECRET: ZOHO_SECRET }), ['MOODLE_WEBHOOK_SECRET']);
    // env.ts wants ENCRYPTION_KEY and the Zoho OAuth settings as a set: a key alone would stop the worker.
    t.same(
      secretsNeeded({ ZOHO_WEBHOOK_SECRET: ZOHO_SECRET, MOODLE_WEBHOOK_SECRET: MOODLE_SECRET, ZOHO_CLIENT_ID: 'x' }),
      ['ENCRYPTION_KEY'],
    );
    t.same(
      secretsNeeded({
        ...ZOHO_OAUTH,
        ZOHO_WEBHOOK_SECRET: ZOHO_SECRET,
        MOODLE_WEBHOOK_SECRET: MOODLE_SECRET,
        ENCRYPTION_KEY: 'k',
      }),
      [],
    );
  },
);

t.test(
  'the first embedded start generates the file (mode 0600); later ones reuse it; the environment wins',
  async (t) => {
    const dir = join(tempDir(t), 'data');
    const now = new Date('2026-05-04T10:00:00Z');
    const first = provideEmbeddedSecrets({ LOG_LEVEL: 'info' }, dir, { create: true, now });
    t.equal(first.file, join(dir, SECRETS_FILE_NAME));
    t.ok(first.generated, 'generated');
    t.same(first.used, ['ZOHO_WEBHOOK_SECRET', 'MOODLE_WEBHOOK_SECRET']);
    t.equal(statSync(first.file).mode & 0o777, 0o600, 'readable by its owner only');
    t.equal(first.env.LOG_LEVEL, 'info', 'the rest of the environment is kept');
    const text = readFileSync(first.file, 'utf8');
    t.match(text, /2026-05-04T10:00:00\.000Z/);
    t.match(
      text,
      `#   key = "${delugeKey(first.env.ZOHO_WEBHOOK_SECRET!)}";`,
      'the file says what the Deluge function needs',
    );
    t.match(text, /Signing secret .*\n# is MOODLE_WEBHOOK_SECRET/);
    t.same(readEmbeddedSecrets(first.file), first.secrets, 'it holds all three, ENCRYPTION_KEY too');

    const again = provideEmbeddedSecrets({ ...ZOHO_OAUTH }, dir, { create: true });
    t.notOk(again.generated, 'reused');
    t.same(again.used, ['ZOHO_WEBHOOK_SECRET', 'MOODLE_WEBHOOK_SECRET', 'ENCRYPTION_KEY']);
    t.equal(again.env.ZOHO_WEBHOOK_SECRET, first.env.ZOHO_WEBHOOK_SECRET);
    t.equal(again.env.ENCRYPTION_KEY, first.secrets!.ENCRYPTION_KEY, 'the key appears once Zoho is configured');
    t.equal(readFileSync(first.file, 'utf8'), text, 'the file is not rewritten');

    const ours = provideEmbeddedSecrets({ ZOHO_WEBHOOK_SECRET: ZOHO_SECRET }, dir, { create: true });
    t.equal(ours.env.ZOHO_WEBHOOK_SECRET, ZOHO_SECRET, 'the environment (or .env) wins');
    t.same(ours.used, ['MOODLE_WEBHOOK_SECRET']);

    const readOnly = provideEmbeddedSecrets({}, dir, { create: false });
    t.equal(
      readOnly.env.MOODLE_WEBHOOK_SECRET,
      first.env.MOODLE_WEBHOOK_SECRET,
      'api/, worker/ and bin/ read the same file',
    );
  },
);

t.test('nothing is generated when nothing is needed, or outside the launcher', async (t) => {
  const dir = tempDir(t);
  const env = { ZOHO_WEBHOOK_SECRET: ZOHO_SECRET, MOODLE_WEBHOOK_SECRET: MOODLE_SECRET };
  const complete = provideEmbeddedSecrets(env, dir, { create: true });
  t.equal(complete.env, env);
  t.same(complete.used, []);
  t.notOk(existsSync(join(dir, SECRETS_FILE_NAME)), 'all given: no file');
  const notLauncher = provideEmbeddedSecrets({}, dir, { create: false });
  t.same(notLauncher.env, {}, 'unchanged, so validation names the missing variables as before');
  t.notOk(existsSync(join(dir, SECRETS_FILE_NAME)));
});

t.test('a damaged file stops the start naming the file and the keys, never a value', async (t) => {
  const dir = tempDir(t);
  const file = join(dir, SECRETS_FILE_NAME);
  writeFileSync(
    file,
    `ZOHO_WEBHOOK_SECRET=${ZOHO_SECRET}\nMOODLE_WEBHOOK_SECRET=whsec_SECRETVALUE\nENCRYPTION_KEY=c2hvcnQ=\n`,
  );
  chmodSync(file, 0o600);
  const error = (() => {
    try {
      provideEmbeddedSecrets({}, dir, { create: true });
    } catch (e) {
      return e as Error;
    }
    return undefined;
  })();
  t.match(error?.message, `${file}: MOODLE_WEBHOOK_SECRET, ENCRYPTION_KEY missing or malformed`);
  t.match(error?.message, /delete it to have new secrets generated/);
  t.notMatch(error?.message, /SECRETVALUE|c2hvcnQ/);
  t.throws(
    () => withEmbeddedSetup({ EMBEDDED_POSTGRES_DIR: dir }),
    { message: /missing or malformed/ },
    'the processes and bin/ refuse it too',
  );
});

t.test('withEmbeddedSetup fills DATABASE_URL and the secrets in the embedded mode only', async (t) => {
  const dir = tempDir(t);
  writeFileSync(
    join(dir, 'embedded-postgres.json'),
    JSON.stringify({ user: 'postgres', password: 'pw/+', port: 54400 }),
  );
  const { env: generatedEnv } = provideEmbeddedSecrets({}, dir, { create: true });
  const embedded = withEmbeddedSetup({ EMBEDDED_POSTGRES_DIR: dir, MOODLE_WEBHOOK_SECRET: MOODLE_SECRET });
  t.equal(embedded.DATABASE_URL, 'postgres://postgres:pw%2F%2B@127.0.0.1:54400/moodle_zoho_sync');
  t.equal(embedded.ZOHO_WEBHOOK_SECRET, generatedEnv.ZOHO_WEBHOOK_SECRET);
  t.equal(embedded.MOODLE_WEBHOOK_SECRET, MOODLE_SECRET, 'the environment wins');
  const real = { EMBEDDED_POSTGRES_DIR: dir, DATABASE_URL };
  t.equal(withEmbeddedSetup(real), real, 'with DATABASE_URL: unchanged, the secrets stay required');
});

t.test(
  'what npm start prints once: where the secrets are and what to paste where; values only on a terminal',
  async (t) => {
    const dir = tempDir(t);
    const provided = provideEmbeddedSecrets({}, dir, { create: true });
    const { ZOHO_WEBHOOK_SECRET: zoho, MOODLE_WEBHOOK_SECRET: moodle } = provided.secrets!;
    const terminal = describeEmbeddedSecrets(provided, { showValues: true });
    t.match(terminal, `ZOHO_WEBHOOK_SECRET, MOODLE_WEBHOOK_SECRET are not set and there is no DATABASE_URL`);
    t.match(terminal, `generated once in ${provided.file} (mode 0600`);
    t.match(
      terminal,
      `Zoho: the key in the Deluge function (README "Pointing Zoho at it"):\n    key = "${delugeKey(zoho)}";\n`,
    );
    t.match(
      terminal,
      `Moodle: the plugin's Signing secret (Site administration > Plugins > Local plugins > Zoho sync):\n    ${moodle}\n`,
    );

    const log = describeEmbeddedSecrets(provided, { showValues: false });
    t.notMatch(log, delugeKey(zoho));
    t.notMatch(log, moodle.slice(6));
    t.match(log, `The values are in ${provided.file} (not printed: this is not a terminal`);

    const onlyMoodle = describeEmbeddedSecrets({ ...provided, used: ['MOODLE_WEBHOOK_SECRET'] }, { showValues: true });
    t.match(onlyMoodle, 'MOODLE_WEBHOOK_SECRET is not set');
    t.notMatch(onlyMoodle, 'Deluge', 'nothing to paste into Zoho when its secret came from the environment');
    const keyOnly = describeEmbeddedSecrets({ ...provided, used: ['ENCRYPTION_KEY'] }, { showValues: false });
    t.notMatch(keyOnly, 'The values are in', 'nothing to paste anywhere');
  },
);
