import t from 'tap';
import {
  apiEnvSchema,
  cliEnvSchema,
  ConfigError,
  launcherEnvSchema,
  loadConfig,
  workerEnvSchema,
} from '../../../shared/config/env.ts';
import { envWithout, PROJECT_ROOT, runProcess } from '../../helpers/spawnProcess.ts';
import { MOODLE_SECRET, ZOHO_SECRET, ZOHO_TOKEN } from '../../helpers/signing.ts';

/**
 * Configuration is read once per process from the environment. A wrong value must be
 * named, never echoed: these values are secrets and connection URLs with passwords.
 */

const DATABASE_URL = 'postgres://svc@db.internal:5432/moodle_zoho_sync';
const API_ENV = { DATABASE_URL, ZOHO_WEBHOOK_SECRET: ZOHO_SECRET, MOODLE_WEBHOOK_SECRET: MOODLE_SECRET };
const WORKER_ENV = { DATABASE_URL };

const whsec = (bytes: number) => `whsec_${Buffer.alloc(bytes, 7).toString('base64')}`;

/** Calls loadConfig and returns the ConfigError it must throw. */
function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, but the configuration loaded');
}

t.test('defaults fill in what is not a secret', async (t) => {
  const api = loadConfig(apiEnvSchema, API_ENV);
  t.same(
    api,
    {
      ...API_ENV,
      HOST: '127.0.0.1',
      PORT: 8080,
      LOG_LEVEL: 'info',
      WEBHOOK_BODY_LIMIT_BYTES: 262_144,
      MOODLE_TIMEOUT_MS: 30_000,
      WORKER_DEAD_AFTER_SECONDS: 30,
      INGRESS_BATCH_MAX: 100,
      INGRESS_BATCH_WAIT_MS: 1,
    },
    'api: HOST, PORT, LOG_LEVEL, the body limit, the Moodle timeout, the dead-worker age and the group commit default; tokens stay unset',
  );
  t.equal(api.ZOHO_WEBHOOK_TOKEN, undefined);
  t.equal(api.ADMIN_TOKEN, undefined);

  t.same(
    loadConfig(workerEnvSchema, WORKER_ENV),
    {
      DATABASE_URL,
      LOG_LEVEL: 'info',
      WORKER_CONCURRENCY: 4,
      WORKER_DEAD_AFTER_SECONDS: 30,
      MOODLE_TIMEOUT_MS: 30_000,
      ZOHO_MAX_CONCURRENCY: 5,
      ZOHO_TIMEOUT_MS: 30_000,
      METRICS_HOST: '127.0.0.1',
    },
    'worker: no METRICS_PORT, so no metrics server',
  );
  t.same(loadConfig(cliEnvSchema, WORKER_ENV), { DATABASE_URL, LOG_LEVEL: 'info' });
  t.same(
    loadConfig(launcherEnvSchema, {}),
    { LOG_LEVEL: 'info', EMBEDDED_POSTGRES_PORT: 54_329 },
    'the launcher needs no DATABASE_URL (it then starts the embedded PostgreSQL)',
  );
});

t.test('values given are parsed to their types', async (t) => {
  const api = loadConfig(apiEnvSchema, {
    ...API_ENV,
    HOST: '0.0.0.0',
    PORT: '0',
    LOG_LEVEL: 'debug',
    WEBHOOK_BODY_LIMIT_BYTES: '1024',
    ZOHO_WEBHOOK_TOKEN: ZOHO_TOKEN,
    ADMIN_TOKEN: 'a'.repeat(32),
  });
  t.match(api, {
    HOST: '0.0.0.0',
    PORT: 0,
    LOG_LEVEL: 'debug',
    WEBHOOK_BODY_LIMIT_BYTES: 1024,
    ZOHO_WEBHOOK_TOKEN: ZOHO_TOKEN,
  });
  const worker = loadConfig(workerEnvSchema, {
    ...WORKER_ENV,
    WORKER_CONCURRENCY: '100',
    WORKER_DEAD_AFTER_SECONDS: '5',
  });
  t.match(worker, { WORKER_CONCURRENCY: 100, WORKER_DEAD_AFTER_SECONDS: 5 });
  t.equal(
    loadConfig(launcherEnvSchema, { DATABASE_URL: 'postgresql://a@b/c', EMBEDDED_POSTGRES_PORT: '6543' })
      .EMBEDDED_POSTGRES_PORT,
    6543,
  );
  t.ok(
    loadConfig(apiEnvSchema, { ...API_ENV, ZOHO_WEBHOOK_SECRET: whsec(24), MOODLE_WEBHOOK_SECRET: whsec(64) }),
    'secrets of 24 and 64 bytes are the bounds',
  );
});

t.test('each process takes only its own variables', async (t) => {
  const env = { ...API_ENV, WORKER_CONCURRENCY: 'not-a-number', PORT: '9000', EMBEDDED_POSTGRES_PORT: 'nope' };
  const cli = loadConfig(cliEnvSchema, env);
  t.same(Object.keys(cli).sort(), ['DATABASE_URL', 'LOG_LEVEL']);
  const api = loadConfig(apiEnvSchema, env);
  t.notOk('WORKER_CONCURRENCY' in api, 'the ingress ignores worker tuning, even when it is wrong');
  t.equal(api.PORT, 9000);
  const worker = configError(() => loadConfig(workerEnvSchema, env));
  t.same(worker.variables, ['WORKER_CONCURRENCY'], 'the worker needs neither secrets nor PORT');
});

t.test('empty strings count as unset', async (t) => {
  const api = loadConfig(apiEnvSchema, {
    ...API_ENV,
    HOST: '',
    PORT: '',
    LOG_LEVEL: '',
    WEBHOOK_BODY_LIMIT_BYTES: '',
    ZOHO_WEBHOOK_TOKEN: '',
    ADMIN_TOKEN: '',
  });
  t.match(api, { HOST: '127.0.0.1', PORT: 8080, LOG_LEVEL: 'info', WEBHOOK_BODY_LIMIT_BYTES: 262_144 });
  t.equal(api.ZOHO_WEBHOOK_TOKEN, undefined, 'an empty optional token is no token (not a too-short one)');
  t.equal(loadConfig(workerEnvSchema, { ...WORKER_ENV, WORKER_CONCURRENCY: '' }).WORKER_CONCURRENCY, 4);
  t.equal(loadConfig(launcherEnvSchema, { DATABASE_URL: '' }).DATABASE_URL, undefined);
  const error = configError(() => loadConfig(apiEnvSchema, { ...API_ENV, DATABASE_URL: '' }));
  t.same(error.variables, ['DATABASE_URL']);
  t.equal(error.message, 'invalid configuration: DATABASE_URL is required');
});

t.test('a missing required variable is named as required', async (t) => {
  const cases: [string, Parameters<typeof loadConfig>[0], Record<string, string>, string[]][] = [
    ['cli without DATABASE_URL', cliEnvSchema, {}, ['DATABASE_URL']],
    ['worker without DATABASE_URL', workerEnvSchema, {}, ['DATABASE_URL']],
    [
      'api without the Moodle secret',
      apiEnvSchema,
      { DATABASE_URL, ZOHO_WEBHOOK_SECRET: ZOHO_SECRET },
      ['MOODLE_WEBHOOK_SECRET'],
    ],
    ['api with nothing', apiEnvSchema, {}, ['DATABASE_URL', 'ZOHO_WEBHOOK_SECRET', 'MOODLE_WEBHOOK_SECRET']],
  ];
  for (const [name, schema, env, variables] of cases) {
    const error = configError(() => loadConfig(schema, env));
    t.same(error.variables, variables, name);
    t.equal(error.message, `invalid configuration: ${variables.map((v) => `${v} is required`).join('; ')}`, name);
  }
});

t.test('a bad value throws ConfigError naming the variable and why, never the value', async (t) => {
  // Every bad value holds a marker that must not reach the message.
  const cases: {
    name: string;
    schema: Parameters<typeof loadConfig>[0];
    env: Record<string, string>;
    variable: string;
    reason: RegExp;
    secret: string;
  }[] = [
    {
      name: 'PORT=abc',
      schema: apiEnvSchema,
      env: { ...API_ENV, PORT: 'abcS3CR3T' },
      variable: 'PORT',
      reason: /PORT must be a number/,
      secret: 'S3CR3T',
    },
    {
      name: 'PORT=70000',
      schema: apiEnvSchema,
      env: { ...API_ENV, PORT: '70000' },
      variable: 'PORT',
      reason: /PORT must be at most 65535/,
      secret: '70000',
    },
    {
      name: 'PORT=-1',
      schema: apiEnvSchema,
      env: { ...API_ENV, PORT: '-1' },
      variable: 'PORT',
      reason: /PORT must be at least 0/,
      secret: '-1',
    },
    {
      name: 'PORT=80.5',
      schema: apiEnvSchema,
      env: { ...API_ENV, PORT: '80.5' },
      variable: 'PORT',
      reason: /PORT must be /,
      secret: '80.5',
    },
    {
      name: 'LOG_LEVEL=loud',
      schema: cliEnvSchema,
      env: { ...WORKER_ENV, LOG_LEVEL: 'loud-S3CR3T' },
      variable: 'LOG_LEVEL',
      reason: /LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent/,
      secret: 'S3CR3T',
    },
    {
      name: 'secret without whsec_',
      schema: apiEnvSchema,
      env: { ...API_ENV, ZOHO_WEBHOOK_SECRET: Buffer.alloc(32, 'S3CR3T').toString('base64') },
      variable: 'ZOHO_WEBHOOK_SECRET',
      reason: /ZOHO_WEBHOOK_SECRET must be whsec_ followed by base64/,
      secret: Buffer.alloc(32, 'S3CR3T').toString('base64'),
    },
    {
      name: 'whsec_ with a raw (non-base64) secret',
      schema: apiEnvSchema,
      env: { ...API_ENV, MOODLE_WEBHOOK_SECRET: 'whsec_my S3CR3T passphrase!' },
      variable: 'MOODLE_WEBHOOK_SECRET',
      reason: /MOODLE_WEBHOOK_SECRET must be whsec_ followed by base64/,
      secret: 'S3CR3T',
    },
    {
      name: 'whsec_ with 12 bytes',
      schema: apiEnvSchema,
      env: { ...API_ENV, ZOHO_WEBHOOK_SECRET: 'whsec_S3CR3TS3CR3TABCD' },
      variable: 'ZOHO_WEBHOOK_SECRET',
      reason: /ZOHO_WEBHOOK_SECRET must encode 24 to 64 random bytes/,
      secret: 'S3CR3T',
    },
    {
      name: 'whsec_ with 23 bytes',
      schema: apiEnvSchema,
      env: { ...API_ENV, ZOHO_WEBHOOK_SECRET: whsec(23) },
      variable: 'ZOHO_WEBHOOK_SECRET',
      reason: /must encode 24 to 64 random bytes/,
      secret: whsec(23).slice(6),
    },
    {
      name: 'whsec_ with 65 bytes',
      schema: apiEnvSchema,
      env: { ...API_ENV, MOODLE_WEBHOOK_SECRET: whsec(65) },
      variable: 'MOODLE_WEBHOOK_SECRET',
      reason: /must encode 24 to 64 random bytes/,
      secret: whsec(65).slice(6),
    },
    {
      name: 'ZOHO_WEBHOOK_TOKEN of 31 characters',
      schema: apiEnvSchema,
      env: { ...API_ENV, ZOHO_WEBHOOK_TOKEN: 'S3CR3T'.padEnd(31, 'x') },
      variable: 'ZOHO_WEBHOOK_TOKEN',
      reason: /ZOHO_WEBHOOK_TOKEN must be at least 32 characters/,
      secret: 'S3CR3T',
    },
    {
      name: 'ADMIN_TOKEN too short',
      schema: apiEnvSchema,
      env: { ...API_ENV, ADMIN_TOKEN: 'adminS3CR3T' },
      variable: 'ADMIN_TOKEN',
      reason: /ADMIN_TOKEN must be at least 32 characters/,
      secret: 'S3CR3T',
    },
    {
      name: 'DATABASE_URL=mysql://…',
      schema: workerEnvSchema,
      env: { DATABASE_URL: 'mysql://svc:S3CR3TPASS@db/moodle' },
      variable: 'DATABASE_URL',
      reason: /DATABASE_URL must be a postgres:\/\/ connection URL/,
      secret: 'S3CR3TPASS',
    },
    {
      name: 'DATABASE_URL not a URL',
      schema: cliEnvSchema,
      env: { DATABASE_URL: 'postgres://svc:S3CR3TPASS@[::1' },
      variable: 'DATABASE_URL',
      reason: /DATABASE_URL must be a valid URL/,
      secret: 'S3CR3TPASS',
    },
    {
      name: 'WORKER_CONCURRENCY=0',
      schema: workerEnvSchema,
      env: { ...WORKER_ENV, WORKER_CONCURRENCY: '0' },
      variable: 'WORKER_CONCURRENCY',
      reason: /WORKER_CONCURRENCY must be at least 1/,
      secret: 'S3CR3T',
    },
    {
      name: 'WORKER_CONCURRENCY=101',
      schema: workerEnvSchema,
      env: { ...WORKER_ENV, WORKER_CONCURRENCY: '101' },
      variable: 'WORKER_CONCURRENCY',
      reason: /must be at most 100/,
      secret: '101',
    },
    {
      name: 'WORKER_DEAD_AFTER_SECONDS=4',
      schema: workerEnvSchema,
      env: { ...WORKER_ENV, WORKER_DEAD_AFTER_SECONDS: '4' },
      variable: 'WORKER_DEAD_AFTER_SECONDS',
      reason: /must be at least 5/,
      secret: 'S3CR3T',
    },
    {
      name: 'WEBHOOK_BODY_LIMIT_BYTES=100',
      schema: apiEnvSchema,
      env: { ...API_ENV, WEBHOOK_BODY_LIMIT_BYTES: '100' },
      variable: 'WEBHOOK_BODY_LIMIT_BYTES',
      reason: /must be at least 1024/,
      secret: '100',
    },
    {
      name: 'EMBEDDED_POSTGRES_PORT=80',
      schema: launcherEnvSchema,
      env: { EMBEDDED_POSTGRES_PORT: '80' },
      variable: 'EMBEDDED_POSTGRES_PORT',
      reason: /must be at least 1024/,
      secret: '80',
    },
  ];
  for (const c of cases) {
    const error = configError(() => loadConfig(c.schema, c.env));
    t.type(error, ConfigError, c.name);
    t.equal(error.name, 'ConfigError', c.name);
    t.same(error.variables, [c.variable], c.name);
    t.match(error.message, /^invalid configuration: /, c.name);
    t.match(error.message, c.reason, c.name);
    t.notOk(error.message.includes(c.secret), `${c.name}: the message does not contain the value`);
    t.notOk(error.message.includes('\n'), `${c.name}: one line`);
  }
});

t.test('several bad variables: each named once, in one error', async (t) => {
  const error = configError(() =>
    loadConfig(apiEnvSchema, {
      DATABASE_URL: 'mysql://root:hunter2S3CR3T@db/x',
      // Fails both the format check and the length check: still one issue.
      ZOHO_WEBHOOK_SECRET: 'whsec_!!S3CR3T!!',
      PORT: 'eighty',
      LOG_LEVEL: 'S3CR3T',
    }),
  );
  t.same([...error.variables].sort(), [
    'DATABASE_URL',
    'LOG_LEVEL',
    'MOODLE_WEBHOOK_SECRET',
    'PORT',
    'ZOHO_WEBHOOK_SECRET',
  ]);
  for (const name of error.variables) {
    t.equal(error.message.split(name).length - 1, 1, `${name} appears once`);
  }
  t.equal(error.message.split('; ').length, 5, 'one reason per variable');
  t.match(error.message, /MOODLE_WEBHOOK_SECRET is required/);
  t.notMatch(error.message, /S3CR3T|hunter2|eighty/);
});

t.test('the loaded configuration is frozen', async (t) => {
  const config = loadConfig(apiEnvSchema, API_ENV);
  t.ok(Object.isFrozen(config));
  t.throws(() => {
    (config as { PORT: number }).PORT = 1;
  }, TypeError);
  t.equal(config.PORT, 8080);
  t.ok(Object.isFrozen(loadConfig(workerEnvSchema, WORKER_ENV)));
  t.ok(Object.isFrozen(loadConfig(cliEnvSchema, WORKER_ENV)));
  t.ok(Object.isFrozen(loadConfig(launcherEnvSchema, {})));
});

// The processes: a bad environment stops them at once with one line on stderr.

/** A valid URL to a database that does not exist: should the config wrongly pass, nothing is touched. */
const UNUSED_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/mzs_config_test_never_created';
const CONFIG_VARIABLES = [
  'DATABASE_URL',
  'HOST',
  'PORT',
  'ZOHO_WEBHOOK_SECRET',
  'MOODLE_WEBHOOK_SECRET',
  'ZOHO_WEBHOOK_TOKEN',
  'ADMIN_TOKEN',
  'LOG_LEVEL',
  'WORKER_CONCURRENCY',
  'WORKER_DEAD_AFTER_SECONDS',
  'WEBHOOK_BODY_LIMIT_BYTES',
];

function startProcess(script: string, env: Record<string, string>) {
  return runProcess(process.execPath, [`${PROJECT_ROOT}${script}`], {
    env: { ...envWithout(...CONFIG_VARIABLES), ...env },
    timeout: 20_000,
  });
}

t.test('api/main.ts with a missing and a too-short secret exits 1 with one line naming both', async (t) => {
  const result = await startProcess('api/main.ts', {
    DATABASE_URL: UNUSED_DATABASE_URL,
    ZOHO_WEBHOOK_SECRET: 'whsec_SUPERSECRETVALUE',
    PORT: '0',
  });
  t.equal(result.code, 1, result.stderr);
  t.equal(result.stdout, '', 'nothing logged: it stopped before the logger existed');
  t.match(result.stderr, /^[^\n]*\n$/, 'exactly one line');
  t.match(result.stderr, /^api: invalid configuration: /);
  t.match(result.stderr, /ZOHO_WEBHOOK_SECRET must encode 24 to 64 random bytes/);
  t.match(result.stderr, /MOODLE_WEBHOOK_SECRET is required/);
  t.notMatch(result.stderr, /SUPERSECRETVALUE/);
});

t.test('worker/main.ts with WORKER_CONCURRENCY=0 exits 1 with one line naming it', async (t) => {
  const result = await startProcess('worker/main.ts', { DATABASE_URL: UNUSED_DATABASE_URL, WORKER_CONCURRENCY: '0' });
  t.equal(result.code, 1, result.stderr);
  t.equal(result.stdout, '');
  t.equal(result.stderr, 'worker: invalid configuration: WORKER_CONCURRENCY must be at least 1\n');

  const withUrl = await startProcess('worker/main.ts', {
    DATABASE_URL: 'mysql://svc:SUPERSECRETVALUE@db.internal/moodle',
    WORKER_CONCURRENCY: '0',
  });
  t.equal(withUrl.code, 1, withUrl.stderr);
  t.match(withUrl.stderr, /^[^\n]*\n$/, 'exactly one line');
  t.match(withUrl.stderr, /DATABASE_URL must be a postgres:\/\/ connection URL/);
  t.match(withUrl.stderr, /WORKER_CONCURRENCY must be at least 1/);
  t.notMatch(withUrl.stderr, /SUPERSECRETVALUE/);
});

t.test('MOODLE_URL and MOODLE_TOKEN come together, and are checked without echoing them', async (t) => {
  const token = 'Abc123SECRETMOODLETOKEN0123456789';
  const both = loadConfig(workerEnvSchema, {
    ...WORKER_ENV,
    MOODLE_URL: 'https://moodle.college.example/lms',
    MOODLE_TOKEN: token,
    MOODLE_TIMEOUT_MS: '5000',
  });
  t.match(both, { MOODLE_URL: 'https://moodle.college.example/lms', MOODLE_TOKEN: token, MOODLE_TIMEOUT_MS: 5000 });
  const cases: [Record<string, string>, string, RegExp][] = [
    [
      { MOODLE_URL: 'https://moodle.college.example' },
      'MOODLE_TOKEN',
      /MOODLE_TOKEN is required when MOODLE_URL is set/,
    ],
    [{ MOODLE_TOKEN: token }, 'MOODLE_URL', /MOODLE_URL is required when MOODLE_TOKEN is set/],
    [{ MOODLE_URL: 'ftp://moodle.college.example', MOODLE_TOKEN: token }, 'MOODLE_URL', /MOODLE_URL must be an http/],
    [
      { MOODLE_URL: 'https://m.example', MOODLE_TOKEN: `${token}-x` },
      'MOODLE_TOKEN',
      /MOODLE_TOKEN must be a Moodle web-service token/,
    ],
    [
      { MOODLE_URL: 'https://m.example', MOODLE_TOKEN: token, MOODLE_TIMEOUT_MS: '10' },
      'MOODLE_TIMEOUT_MS',
      /MOODLE_TIMEOUT_MS must be at least 1000/,
    ],
  ];
  for (const [env, variable, message] of cases) {
    for (const schema of [workerEnvSchema, apiEnvSchema]) {
      const error = (() => {
        try {
          loadConfig(schema, { ...(schema === apiEnvSchema ? API_ENV : WORKER_ENV), ...env });
        } catch (e) {
          return e as ConfigError;
        }
        return undefined;
      })();
      t.ok(error instanceof ConfigError, `${variable} refused`);
      t.ok(error?.variables.includes(variable), `names ${variable}`);
      t.match(error?.message, message);
      t.notMatch(error?.message, /SECRETMOODLETOKEN/, 'never echoes the token');
    }
  }
});

t.test('the Zoho OAuth settings and ENCRYPTION_KEY come as a set, checked without echoing secrets', async (t) => {
  const key = Buffer.alloc(32, 7).toString('base64');
  const full = {
    ...WORKER_ENV,
    ZOHO_ACCOUNTS_URL: 'https://accounts.zoho.eu',
    ZOHO_CLIENT_ID: '1000.ABCDEFGHIJ',
    ZOHO_CLIENT_SECRET: 'SECRETCLIENTVALUE123',
    ZOHO_REFRESH_TOKEN: '1000.SECRETREFRESHVALUE.456',
    ENCRYPTION_KEY: key,
  };
  t.match(loadConfig(workerEnvSchema, full), { ZOHO_CLIENT_ID: '1000.ABCDEFGHIJ', ZOHO_MAX_CONCURRENCY: 5 });
  const missing = configError(() =>
    loadConfig(workerEnvSchema, { ...full, ZOHO_REFRESH_TOKEN: '', ENCRYPTION_KEY: '' }),
  );
  t.same(missing.variables.sort(), ['ENCRYPTION_KEY', 'ZOHO_REFRESH_TOKEN']);
  t.match(missing.message, /ZOHO_REFRESH_TOKEN is required when/);
  const shortKey = configError(() =>
    loadConfig(workerEnvSchema, { ...full, ENCRYPTION_KEY: Buffer.alloc(16).toString('base64') }),
  );
  t.match(shortKey.message, /ENCRYPTION_KEY must be 32 bytes/);
  for (const error of [missing, shortKey]) t.notMatch(error.message, /SECRET(CLIENT|REFRESH)VALUE/);
  t.match(
    configError(() => loadConfig(workerEnvSchema, { ...full, ZOHO_MAX_CONCURRENCY: '26' })).message,
    /ZOHO_MAX_CONCURRENCY must be at most 25/,
  );
});

t.test('ZOHO_FIELD_OVERRIDES must be a JSON object', async (t) => {
  t.same(
    loadConfig(workerEnvSchema, {
      ...WORKER_ENV,
      ZOHO_FIELD_OVERRIDES: '{"BTEC_Students":{"academicEmail":"College_Email"}}',
    }).ZOHO_FIELD_OVERRIDES,
    { BTEC_Students: { academicEmail: 'College_Email' } },
  );
  for (const bad of ['not json', '[]', '"x"']) {
    const error = configError(() => loadConfig(workerEnvSchema, { ...WORKER_ENV, ZOHO_FIELD_OVERRIDES: bad }));
    t.same(error.variables, ['ZOHO_FIELD_OVERRIDES']);
    t.match(error.message, /must be a JSON object/);
  }
});

t.test(
  'metrics: the worker port is off by default, on loopback when set, and elsewhere only with METRICS_TOKEN',
  async (t) => {
    const token = 'm'.repeat(32);
    t.match(loadConfig(workerEnvSchema, { ...WORKER_ENV, METRICS_PORT: '9464' }), {
      METRICS_PORT: 9464,
      METRICS_HOST: '127.0.0.1',
    });
    t.match(loadConfig(workerEnvSchema, { ...WORKER_ENV, METRICS_PORT: '9464', METRICS_HOST: '::1' }), {
      METRICS_HOST: '::1',
    });
    const exposed = configError(() =>
      loadConfig(workerEnvSchema, { ...WORKER_ENV, METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0' }),
    );
    t.same(exposed.variables, ['METRICS_TOKEN']);
    t.match(exposed.message, /METRICS_TOKEN is required when METRICS_HOST is not a loopback address/);
    t.match(
      loadConfig(workerEnvSchema, {
        ...WORKER_ENV,
        METRICS_PORT: '9464',
        METRICS_HOST: '0.0.0.0',
        METRICS_TOKEN: token,
      }),
      { METRICS_TOKEN: token },
    );
    t.ok(loadConfig(workerEnvSchema, { ...WORKER_ENV, METRICS_HOST: '0.0.0.0' }), 'no port, nothing exposed');
    const short = configError(() => loadConfig(apiEnvSchema, { ...API_ENV, METRICS_TOKEN: 'tooShortSecret' }));
    t.match(short.message, /METRICS_TOKEN must be at least 32 characters/);
    t.notMatch(short.message, /tooShortSecret/, 'the value is not echoed');
  },
);

t.test('the group commit settings are bounded', async (t) => {
  t.throws(
    () => loadConfig(apiEnvSchema, { ...API_ENV, INGRESS_BATCH_MAX: '0' }),
    /INGRESS_BATCH_MAX must be at least 1/,
  );
  t.throws(
    () => loadConfig(apiEnvSchema, { ...API_ENV, INGRESS_BATCH_WAIT_MS: '500' }),
    /INGRESS_BATCH_WAIT_MS must be at most 100/,
  );
  t.match(loadConfig(apiEnvSchema, { ...API_ENV, INGRESS_BATCH_MAX: '1', INGRESS_BATCH_WAIT_MS: '0' }), {
    INGRESS_BATCH_MAX: 1,
    INGRESS_BATCH_WAIT_MS: 0,
  });
});
