import { z } from 'zod';
import { decodeWebhookSecret } from '../crypto/webhookSecret.ts';

/**
 * Environment variables, one zod field each. Processes pick the fields they need
 * (see `apiEnvSchema`, `workerEnvSchema`, `cliEnvSchema`), so a worker machine
 * does not need the webhook secrets and the ingress does not need worker tuning.
 * Only non-secrets get defaults.
 */

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Standard Webhooks secret: `whsec_` + base64 of 24–64 random bytes (spec). */
const standardWebhookSecret = z
  .string()
  .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'must be whsec_ followed by base64')
  .refine((value) => decodeWebhookSecret(value) !== null, 'must encode 24 to 64 random bytes');

const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// connection URL')
  .refine((value) => URL.canParse(value), 'must be a valid URL');

const fields = {
  DATABASE_URL: postgresUrl,
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  ZOHO_WEBHOOK_SECRET: standardWebhookSecret,
  MOODLE_WEBHOOK_SECRET: standardWebhookSecret,
  ZOHO_WEBHOOK_TOKEN: z.string().min(32).optional(),
  ADMIN_TOKEN: z.string().min(32).optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(100).default(4),
  /** Seconds without a heartbeat after which a worker is declared dead and its jobs freed. */
  WORKER_DEAD_AFTER_SECONDS: z.coerce.number().int().min(5).max(3600).default(30),
  /** The Moodle site (its base URL) and the web-service token of the integration's user. */
  MOODLE_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  MOODLE_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9]{16,128}$/, 'must be a Moodle web-service token (letters and digits)')
    .optional(),
  MOODLE_TIMEOUT_MS: z.coerce.number().int().min(1000).max(300_000).default(30_000),
  /** Zoho OAuth: the org's data-centre accounts server and a self-client's credentials. */
  ZOHO_ACCOUNTS_URL: z
    .url({ protocol: /^https?$/, error: 'must be an https:// URL, e.g. https://accounts.zoho.eu' })
    .optional(),
  ZOHO_CLIENT_ID: z
    .string()
    .regex(/^[\w.-]{8,200}$/, 'must be a Zoho OAuth client id')
    .optional(),
  ZOHO_CLIENT_SECRET: z.string().min(8).optional(),
  ZOHO_REFRESH_TOKEN: z.string().min(8).optional(),
  /** Overrides the API domain Zoho's token answer names (e.g. https://www.zohoapis.eu). */
  ZOHO_API_URL: z.url({ protocol: /^https?$/, error: 'must be an https:// URL' }).optional(),
  ZOHO_MAX_CONCURRENCY: z.coerce.number().int().min(1).max(25).default(5),
  ZOHO_TIMEOUT_MS: z.coerce.number().int().min(1000).max(300_000).default(30_000),
  /**
   * Another org's field API names, as JSON: {"BTEC_Students": {"academicEmail": "College_Email"}}
   * (our property name → their API name; see shared/domain/zoho/fieldMappings.ts).
   */
  ZOHO_FIELD_OVERRIDES: z
    .string()
    .transform((text, ctx) => {
      try {
        const value: unknown = JSON.parse(text);
        if (value && typeof value === 'object' && !Array.isArray(value))
          return value as Record<string, Record<string, string>>;
      } catch {
        // reported below
      }
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object of module → {property: API name}' });
      return z.NEVER;
    })
    .optional(),
  /** 32 random bytes, base64: encrypts the Zoho access token kept in the database. */
  ENCRYPTION_KEY: z
    .string()
    .refine(
      (value) => /^[A-Za-z0-9+/]+={0,2}$/.test(value) && Buffer.from(value, 'base64').length === 32,
      'must be 32 bytes, base64-encoded (openssl rand -base64 32)',
    )
    .optional(),
  /**
   * The service's address as Zoho reaches it (https://sync.college.example, a path allowed):
   * the Notifications API channels post to PUBLIC_URL/v1/notifications/zoho.
   */
  PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be an https:// URL, e.g. https://sync.college.example' })
    .optional(),
  /** Webhook events written together at most, in one transaction (the ingress's group commit). */
  INGRESS_BATCH_MAX: z.coerce.number().int().min(1).max(1000).default(100),
  /** How long the first event of a batch waits for others, in ms (0: at once; a batch still forms while others are written). */
  INGRESS_BATCH_WAIT_MS: z.coerce.number().int().min(0).max(100).default(1),
  /** Largest webhook body accepted, in bytes. */
  WEBHOOK_BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(10 * 1024 * 1024)
    .default(256 * 1024),
  /** Bearer token a Prometheus scrape sends: the ingress's /metrics is off without it. */
  METRICS_TOKEN: z.string().min(32).optional(),
  /** The worker's metrics port; unset: no metrics server. */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  METRICS_HOST: z.string().min(1).default('127.0.0.1'),
} as const;

const databaseFields = { DATABASE_URL: fields.DATABASE_URL, LOG_LEVEL: fields.LOG_LEVEL };
const moodleFields = {
  MOODLE_URL: fields.MOODLE_URL,
  MOODLE_TOKEN: fields.MOODLE_TOKEN,
  MOODLE_TIMEOUT_MS: fields.MOODLE_TIMEOUT_MS,
};

const zohoFields = {
  ZOHO_ACCOUNTS_URL: fields.ZOHO_ACCOUNTS_URL,
  ZOHO_CLIENT_ID: fields.ZOHO_CLIENT_ID,
  ZOHO_CLIENT_SECRET: fields.ZOHO_CLIENT_SECRET,
  ZOHO_REFRESH_TOKEN: fields.ZOHO_REFRESH_TOKEN,
  ZOHO_API_URL: fields.ZOHO_API_URL,
  ZOHO_MAX_CONCURRENCY: fields.ZOHO_MAX_CONCURRENCY,
  ZOHO_TIMEOUT_MS: fields.ZOHO_TIMEOUT_MS,
  ZOHO_FIELD_OVERRIDES: fields.ZOHO_FIELD_OVERRIDES,
  ENCRYPTION_KEY: fields.ENCRYPTION_KEY,
};
const ZOHO_REQUIRED = [
  'ZOHO_ACCOUNTS_URL',
  'ZOHO_CLIENT_ID',
  'ZOHO_CLIENT_SECRET',
  'ZOHO_REFRESH_TOKEN',
  'ENCRYPTION_KEY',
] as const;

/** The Zoho OAuth settings and ENCRYPTION_KEY come together or not at all. */
function requireZohoSet(
  config: Partial<Record<(typeof ZOHO_REQUIRED)[number], string | undefined>>,
  ctx: z.RefinementCtx,
): void {
  const given = ZOHO_REQUIRED.filter((name) => config[name]);
  if (given.length === 0) return;
  for (const name of ZOHO_REQUIRED) {
    if (!config[name])
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: `is required when ${given.join(', ')} ${given.length > 1 ? 'are' : 'is'} set`,
      });
  }
}

/** MOODLE_URL and MOODLE_TOKEN come together or not at all. */
function requireMoodlePair(
  config: { MOODLE_URL?: string | undefined; MOODLE_TOKEN?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if (config.MOODLE_URL && !config.MOODLE_TOKEN)
    ctx.addIssue({ code: 'custom', path: ['MOODLE_TOKEN'], message: 'is required when MOODLE_URL is set' });
  if (config.MOODLE_TOKEN && !config.MOODLE_URL)
    ctx.addIssue({ code: 'custom', path: ['MOODLE_URL'], message: 'is required when MOODLE_TOKEN is set' });
}

/** A metrics port reachable from other machines must ask for the token. */
function requireMetricsTokenOffLoopback(
  config: { METRICS_PORT?: number | undefined; METRICS_HOST: string; METRICS_TOKEN?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  const loopback =
    config.METRICS_HOST === 'localhost' || config.METRICS_HOST === '::1' || config.METRICS_HOST.startsWith('127.');
  if (config.METRICS_PORT !== undefined && !loopback && !config.METRICS_TOKEN) {
    ctx.addIssue({
      code: 'custom',
      path: ['METRICS_TOKEN'],
      message: 'is required when METRICS_HOST is not a loopback address',
    });
  }
}

export const apiEnvSchema = z
  .object({
    ...databaseFields,
    HOST: fields.HOST,
    PORT: fields.PORT,
    ZOHO_WEBHOOK_SECRET: fields.ZOHO_WEBHOOK_SECRET,
    MOODLE_WEBHOOK_SECRET: fields.MOODLE_WEBHOOK_SECRET,
    ZOHO_WEBHOOK_TOKEN: fields.ZOHO_WEBHOOK_TOKEN,
    ADMIN_TOKEN: fields.ADMIN_TOKEN,
    WEBHOOK_BODY_LIMIT_BYTES: fields.WEBHOOK_BODY_LIMIT_BYTES,
    INGRESS_BATCH_MAX: fields.INGRESS_BATCH_MAX,
    INGRESS_BATCH_WAIT_MS: fields.INGRESS_BATCH_WAIT_MS,
    METRICS_TOKEN: fields.METRICS_TOKEN,
    // Its metrics count the live workers by their heartbeats' age.
    WORKER_DEAD_AFTER_SECONDS: fields.WORKER_DEAD_AFTER_SECONDS,
    // The ingress never calls Moodle for events; it only reports Moodle's state in /health/ready.
    ...moodleFields,
  })
  .superRefine(requireMoodlePair);

export const workerEnvSchema = z
  .object({
    ...databaseFields,
    WORKER_CONCURRENCY: fields.WORKER_CONCURRENCY,
    WORKER_DEAD_AFTER_SECONDS: fields.WORKER_DEAD_AFTER_SECONDS,
    METRICS_PORT: fields.METRICS_PORT,
    METRICS_HOST: fields.METRICS_HOST,
    METRICS_TOKEN: fields.METRICS_TOKEN,
    ...moodleFields,
    ...zohoFields,
  })
  .superRefine((config, ctx) => {
    requireMoodlePair(config, ctx);
    requireZohoSet(config, ctx);
    requireMetricsTokenOffLoopback(config, ctx);
  });

export const cliEnvSchema = z.object(databaseFields);

/** `bin/zoho connect`: where Zoho's notification callbacks must go. */
export const publicUrlEnvSchema = z.object({ PUBLIC_URL: fields.PUBLIC_URL.unwrap() });

/** `npm start`: DATABASE_URL may be absent (then an embedded PostgreSQL is used). */
export const launcherEnvSchema = z.object({
  DATABASE_URL: fields.DATABASE_URL.optional(),
  LOG_LEVEL: fields.LOG_LEVEL,
  EMBEDDED_POSTGRES_PORT: z.coerce.number().int().min(1024).max(65535).default(54329),
  /** Folder of the embedded cluster and its credentials (default: the project's `.data`). */
  EMBEDDED_POSTGRES_DIR: z.string().min(1).optional(),
});

export type ApiConfig = Readonly<z.infer<typeof apiEnvSchema>>;
export type WorkerConfig = Readonly<z.infer<typeof workerEnvSchema>>;
export type CliConfig = Readonly<z.infer<typeof cliEnvSchema>>;
export type LauncherConfig = Readonly<z.infer<typeof launcherEnvSchema>>;

/** Thrown when the environment is incomplete or wrong; the message names variables, never values. */
export class ConfigError extends Error {
  readonly variables: string[];
  constructor(message: string, variables: string[]) {
    super(message);
    this.name = 'ConfigError';
    this.variables = variables;
  }
}

/**
 * Validates `env` against `schema` once and returns a frozen, typed config.
 * Empty strings count as unset, so `PORT=` in a .env file falls back to the default.
 * @throws ConfigError naming each bad variable and why, on one line, never echoing a value.
 */
export function loadConfig<S extends z.ZodObject>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): Readonly<z.infer<S>> {
  const present: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') present[key] = value;
  }
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const seen = new Set<string>();
    const problems = parsed.error.issues.flatMap((issue) => {
      const name = String(issue.path[0] ?? '?');
      // One reason per variable is enough to fix it.
      if (seen.has(name)) return [];
      seen.add(name);
      const reason =
        issue.code === 'invalid_type' && present[name] === undefined ? 'is required' : describeIssue(issue);
      return [{ name, text: `${name} ${reason}` }];
    });
    throw new ConfigError(
      `invalid configuration: ${problems.map((p) => p.text).join('; ')}`,
      problems.map((p) => p.name),
    );
  }
  return Object.freeze(parsed.data);
}

/** zod's own messages can quote the received value; keep only value-free wording. */
function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${issue.expected === 'number' ? 'a number' : `of type ${issue.expected}`}`;
    case 'too_small':
      return issue.origin === 'string'
        ? `must be at least ${String(issue.minimum)} characters`
        : `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`;
    default:
      return issue.message;
  }
}
