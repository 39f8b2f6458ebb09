import { createHmac } from 'node:crypto';
import type { IntegrationStatus } from '../../shared/clients/moodle/moodleSchemas.ts';
import { decodeWebhookSecret } from '../../shared/crypto/webhookSecret.ts';
import type { SyncSettings } from '../../shared/domain/settings/syncSettings.ts';
import type { Check } from './checkSetup.ts';

const SETUP_SCRIPT = 'php local/zohosync/cli/setup_integration.php';
/** Moodle's cron runs every minute when set up as its docs say; an hour without is a stopped cron. */
const CRON_STALE_SECONDS = 3600;
/** A delivery waits for the next cron run and its retries: older than this, something holds it. */
const OUTBOX_STALE_SECONDS = 15 * 60;

const when = (unix: number) => new Date(unix * 1000).toISOString().replace('.000Z', 'Z');

/**
 * The plugin's report of its own side (local_zohosync_get_integration_status) → one check per
 * point, each problem with its fix. `settings` (the service's app_settings) give the roles the
 * service assigns; `now` is unix seconds. Pure.
 */
export function checkPluginStatus(
  status: IntegrationStatus,
  settings: Pick<SyncSettings, 'moodle.roles'> | undefined,
  now: number,
  /** The service's MOODLE_WEBHOOK_SECRET when this environment has it (compared by fingerprint only). */
  serviceSecret?: string,
): Check[] {
  const checks: Check[] = [];
  const add = (name: string, ok: boolean, detail: string, fix: string) =>
    checks.push(
      ok ? { area: 'moodle', name, status: 'ok', detail } : { area: 'moodle', name, status: 'problem', detail, fix },
    );

  add(
    'plugin sending',
    status.sending_enabled && status.service_url !== '' && status.secret_configured,
    status.sending_enabled && status.service_url !== '' && status.secret_configured
      ? `the plugin sends events to ${status.service_url}`
      : [
          !status.sending_enabled && 'sending is off',
          status.service_url === '' && 'no service URL',
          !status.secret_configured && 'no signing secret',
        ]
          .filter(Boolean)
          .join(', ') + ': Moodle → Zoho events are not sent',
    `${SETUP_SCRIPT} --service-url=<this service's address>; then in Site administration > Plugins > Local plugins > Zoho sync: the signing secret (MOODLE_WEBHOOK_SECRET) and "Send events" on`,
  );

  if (status.secret_fingerprint !== '') {
    if (serviceSecret === undefined) {
      checks.push({
        area: 'moodle',
        name: 'signing secret',
        status: 'skipped',
        detail: 'MOODLE_WEBHOOK_SECRET is not in this environment: the two secrets are not compared',
        fix: "run bin/doctor with the ingress's .env, or use the plugin's Test connection",
      });
    } else {
      const same = secretFingerprint(serviceSecret) === status.secret_fingerprint;
      add(
        'signing secret',
        same,
        same
          ? "the plugin's signing secret is MOODLE_WEBHOOK_SECRET (same fingerprint)"
          : "the plugin's signing secret is not MOODLE_WEBHOOK_SECRET (their fingerprints differ): the ingress refuses every delivery with 401",
        'paste MOODLE_WEBHOOK_SECRET into Site administration > Plugins > Local plugins > Zoho sync > Signing secret (or the other way round), then Test connection',
      );
    }
  }

  add(
    'HTTP security',
    status.http_security.allowed,
    status.http_security.allowed
      ? `Moodle's HTTP security lets the plugin reach ${status.service_url}`
      : status.http_security.detail,
    `${SETUP_SCRIPT} --service-url=${status.service_url || "<this service's address>"} --allow-service-url${status.http_security.setting ? ` (it changes ${status.http_security.setting} for exactly that host and port)` : ''}`,
  );

  add(
    'integration user',
    status.caller_is_integration_user,
    status.caller_is_integration_user
      ? `the plugin's integration user (id ${status.integration_user_id}) is this token's user: what the service writes is not sent back`
      : status.integration_user_id === 0
        ? "the plugin has no integration user: the service's own writes would come back to it as events"
        : `the plugin's integration user is user ${status.integration_user_id}, not this token's user: the service's own writes would come back to it as events`,
    `${SETUP_SCRIPT} sets it to the token's user`,
  );

  add(
    'capabilities',
    status.missing_capabilities.length === 0,
    status.missing_capabilities.length === 0
      ? 'the integration user has every capability the service needs'
      : `the integration user lacks ${status.missing_capabilities.join(', ')}: Moodle hides data or refuses calls without them`,
    `${SETUP_SCRIPT} grants them to its role`,
  );

  if (settings) {
    const assignable = status.assignable_roles;
    const missing = Object.entries(settings['moodle.roles']).filter(
      ([, role]) =>
        !assignable.some((r) =>
          typeof role === 'number' || /^\d+$/.test(String(role)) ? r.id === Number(role) : r.shortname === role,
        ),
    );
    add(
      'role assignments',
      missing.length === 0,
      missing.length === 0
        ? `the integration user may assign every role in moodle.roles (${Object.values(settings['moodle.roles']).join(', ')})`
        : `the integration user may not assign ${missing.map(([key, role]) => `${String(role)} (moodle.roles.${key})`).join(', ')}: those enrolments and role assignments fail (wsusercannotassign)`,
      `${SETUP_SCRIPT} --assignable-roles=${Object.values(settings['moodle.roles']).join(',')} (or Site administration > Users > Define roles > Allow role assignments)`,
    );
  }

  add(
    'cron',
    status.cron_last_run > 0 && now - status.cron_last_run < CRON_STALE_SECONDS,
    status.cron_last_run === 0
      ? "Moodle's cron has never run: the plugin's deliveries wait for it"
      : `Moodle's cron last started ${when(status.cron_last_run)}${now - status.cron_last_run < CRON_STALE_SECONDS ? '' : ': deliveries wait until it runs again'}`,
    "run Moodle's cron every minute (crontab: * * * * * php /path/to/moodle/admin/cli/cron.php)",
  );

  add(
    'outgoing mail',
    status.noreply_valid,
    status.noreply_valid
      ? `no-reply address ${status.noreply_address}`
      : `the no-reply address "${status.noreply_address}" is not a valid e-mail address: Moodle cannot send the enrolment e-mails ("Message was not sent.")`,
    'php admin/cli/cfg.php --name=noreplyaddress --set=noreply@your-college.example (Site administration > Server > Email > Outgoing mail configuration)',
  );

  const stale = status.outbox.oldest_pending > 0 && now - status.outbox.oldest_pending > OUTBOX_STALE_SECONDS;
  add(
    'deliveries',
    status.outbox.failed === 0 && !stale,
    `${status.outbox.pending} waiting${status.outbox.oldest_pending ? ` (oldest since ${when(status.outbox.oldest_pending)})` : ''}, ${status.outbox.failed} failed`,
    'Site administration > Plugins > Local plugins > Zoho sync > Deliveries shows why each failed; resend them once the cause is fixed',
  );
  return checks;
}

/**
 * The plugin's signer::fingerprint of a whsec_ secret: the first 16 hex digits of
 * HMAC-SHA256(key, "local_zohosync secret fingerprint"); '' for anything else.
 */
export function secretFingerprint(secret: string): string {
  const key = decodeWebhookSecret(secret);
  return key ? createHmac('sha256', key).update('local_zohosync secret fingerprint').digest('hex').slice(0, 16) : '';
}
