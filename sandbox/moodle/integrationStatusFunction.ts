import { createHmac } from 'node:crypto';
import { SETUP_CAPABILITIES } from '../integrationRequirements.ts';
import { PLUGIN_VERSION, type MoodleFunction } from './MoodleFunction.ts';
import { MoodleException } from './MoodleException.ts';
import { isSiteAdmin } from './moodleState.ts';

/**
 * local_zohosync_get_integration_status: the plugin's report of its own side
 * (moodle-plugin/zohosync/classes/external/get_integration_status.php), from `state.config.plugin`
 * and what the simulated integration user may do (`integrationCapabilities`, `assignableRoles`).
 * Shape as recorded on Moodle 4.5: tests/fixtures/moodle-plugin/local_zohosync_get_integration_status*.json.
 */
export const integrationStatusFunction: MoodleFunction = {
  name: 'local_zohosync_get_integration_status',
  version: PLUGIN_VERSION,
  params: {},
  run(ctx) {
    const { state } = ctx;
    const plugin = state.config.plugin;
    if (ctx.userid !== plugin.integrationUserId && !isSiteAdmin(state, ctx.userid)) {
      throw new MoodleException(
        'core\\exception\\moodle_exception',
        'nopermissions',
        "Sorry, but you do not currently have permissions to do that (read the integration status: only the plugin's integration user (local_zohosync/integrationuserid) or a user with moodle/site:config may).",
      );
    }
    const granted = state.config.integrationCapabilities;
    const assignable = state.config.assignableRoles;
    return {
      plugin_release: plugin.release,
      plugin_version: plugin.version,
      sending_enabled: plugin.sendingEnabled,
      service_url: plugin.serviceUrl,
      secret_configured: secretKey(plugin.secret) !== null,
      secret_fingerprint: secretFingerprint(plugin.secret),
      integration_user_id: plugin.integrationUserId,
      caller_is_integration_user: ctx.userid === plugin.integrationUserId,
      http_security:
        plugin.httpSecurity.allowed && plugin.httpSecurity.detail === ''
          ? { allowed: true, setting: '', detail: `Moodle's HTTP security lets the plugin reach ${plugin.serviceUrl}.` }
          : { ...plugin.httpSecurity },
      missing_capabilities: granted === 'all' ? [] : SETUP_CAPABILITIES.filter((c) => !granted.includes(c)),
      assignable_roles: state.roles
        .filter((r) => assignable === 'all' || assignable.includes(r.id))
        .map((r) => ({ id: r.id, shortname: r.shortname })),
      cron_last_run: plugin.cronLastRun === 'recent' ? ctx.now - 30 : plugin.cronLastRun,
      noreply_address: plugin.noreplyAddress,
      // validate_email() is PHPMailer's check, PHP's FILTER_VALIDATE_EMAIL: an IP address or a dotless host fails.
      noreply_valid: /^[^@\s<>]+@(?:[a-z0-9-]+\.)+[a-z]{2,}$/i.test(plugin.noreplyAddress),
      outbox: { ...plugin.outbox },
    };
  },
};

/** signer::decode_secret: the key bytes of a whsec_ secret of 24 to 64 bytes, else null. */
function secretKey(secret: string): Buffer | null {
  const match = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(secret.trim());
  if (!match) return null;
  const key = Buffer.from(match[1]!, 'base64');
  return key.length >= 24 && key.length <= 64 ? key : null;
}

/** signer::fingerprint. */
function secretFingerprint(secret: string): string {
  const key = secretKey(secret);
  return key ? createHmac('sha256', key).update('local_zohosync secret fingerprint').digest('hex').slice(0, 16) : '';
}
