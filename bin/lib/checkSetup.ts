import type { MoodleClient } from '../../shared/clients/moodle/createMoodleClient.ts';
import { REQUIRED_MOODLE_FUNCTIONS } from '../../shared/clients/moodle/createMoodleHealthCheck.ts';
import type { ZohoClient } from '../../shared/clients/zoho/createZohoClient.ts';
import type { SyncSettings } from '../../shared/domain/settings/syncSettings.ts';
import { checkPluginStatus } from './checkPluginStatus.ts';
import { BTEC_LETTERS } from '../../shared/domain/grades/convertToBtecLetter.ts';
import { GRADE_STATUS } from '../../shared/domain/grades/mapGradeToZohoRecord.ts';
import { compareFieldsWithOrg, type ModuleReliance } from '../../shared/domain/zoho/compareFieldsWithOrg.ts';
import { ZOHO_MODULE_NAMES, type ZohoModuleName } from '../../shared/domain/zoho/fieldMappings.ts';

export interface Check {
  area: 'moodle' | 'zoho';
  name: string;
  status: 'ok' | 'problem' | 'skipped';
  detail: string;
  /** What to do, for a problem (or how to check a skipped point). */
  fix?: string;
}

const SETUP_SCRIPT = 'php local/zohosync/cli/setup_integration.php';
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * What the service needs from Moodle, checked by behaviour with its own token and without
 * changing anything: the token works, the service offers every function, the plugin is there,
 * other users' usernames and e-mails are visible (Moodle hides them from a role without
 * moodle/user:viewalldetails / moodle/site:viewuseridentity instead of refusing the call), and
 * the plugin's own report of its side (checkPluginStatus).
 */
export async function checkMoodleSetup(
  client: MoodleClient | undefined,
  settings?: Pick<SyncSettings, 'moodle.roles'>,
  serviceSecret?: string,
): Promise<Check[]> {
  if (!client) {
    return [
      {
        area: 'moodle',
        name: 'configured',
        status: 'problem',
        detail: 'MOODLE_URL and MOODLE_TOKEN are not set',
        fix: `run ${SETUP_SCRIPT} on the Moodle server and put the two values it prints in .env`,
      },
    ];
  }
  const checks: Check[] = [];
  let info: Awaited<ReturnType<MoodleClient['getSiteInfo']>>;
  try {
    info = await client.getSiteInfo();
  } catch (error) {
    return [
      {
        area: 'moodle',
        name: 'token',
        status: 'problem',
        detail: message(error),
        fix: `check MOODLE_URL (the site's address) and MOODLE_TOKEN (${SETUP_SCRIPT} prints both)`,
      },
    ];
  }
  checks.push({
    area: 'moodle',
    name: 'token',
    status: 'ok',
    detail: `${info.sitename} (${info.release ?? 'release unknown'}), token of user ${info.username} (id ${info.userid})`,
  });

  const offered = new Map(info.functions.map((f) => [f.name, f.version]));
  const missing = REQUIRED_MOODLE_FUNCTIONS.filter((f) => !offered.has(f));
  checks.push(
    missing.length === 0
      ? {
          area: 'moodle',
          name: 'functions',
          status: 'ok',
          detail: `all ${REQUIRED_MOODLE_FUNCTIONS.length} functions the service calls are in the token's service`,
        }
      : {
          area: 'moodle',
          name: 'functions',
          status: 'problem',
          detail: `missing from the token's service: ${missing.join(', ')}`,
          fix: `use a token of the plugin's "Zoho sync service" (it holds them all): ${SETUP_SCRIPT}`,
        },
  );

  const pluginVersion = offered.get('local_zohosync_upsert_finance');
  checks.push(
    pluginVersion
      ? { area: 'moodle', name: 'plugin', status: 'ok', detail: `local_zohosync ${pluginVersion}` }
      : {
          area: 'moodle',
          name: 'plugin',
          status: 'problem',
          detail:
            "local_zohosync's functions are not offered: the plugin is not installed, or the token is not of its service",
          fix: `install moodle-plugin/zohosync as local/zohosync, upgrade Moodle, then ${SETUP_SCRIPT}`,
        },
  );

  // Other users as the service sees them: a hidden username or e-mail names its capability.
  try {
    const others = (
      await client.getUsersByField(
        'id',
        Array.from({ length: 50 }, (_, i) => i + 1),
      )
    ).filter((u) => u.id !== info.userid);
    checks.push(
      others.length > 0
        ? {
            area: 'moodle',
            name: 'user details',
            status: 'ok',
            detail: `usernames and e-mails of other users are visible (${others.length} looked at)`,
          }
        : {
            area: 'moodle',
            name: 'user details',
            status: 'skipped',
            detail: 'no other user among ids 1–50 to look at',
          },
    );
  } catch (error) {
    checks.push({
      area: 'moodle',
      name: 'user details',
      status: 'problem',
      detail: message(error),
      fix: `${SETUP_SCRIPT} grants the integration role every capability the service needs`,
    });
  }
  // The plugin's own side, as it reports it: sending, HTTP security, roles, cron, mail, outbox.
  if (!offered.has('local_zohosync_get_integration_status')) {
    if (pluginVersion) {
      checks.push({
        area: 'moodle',
        name: 'plugin report',
        status: 'problem',
        detail:
          'the plugin does not offer local_zohosync_get_integration_status: it is older than this service, so its side (HTTP security, roles, cron, mail) cannot be checked from here',
        fix: `upgrade moodle-plugin/zohosync in local/zohosync, run admin/cli/upgrade.php, then ${SETUP_SCRIPT}`,
      });
    }
    return checks;
  }
  try {
    checks.push(
      ...checkPluginStatus(await client.getIntegrationStatus(), settings, Math.floor(Date.now() / 1000), serviceSecret),
    );
  } catch (error) {
    checks.push({
      area: 'moodle',
      name: 'plugin report',
      status: 'problem',
      detail: message(error),
      fix: `${SETUP_SCRIPT} (the function needs the integration user's token)`,
    });
  }
  return checks;
}

/** What the service writes into Zoho picklists and which fields it finds records by. */
const ZOHO_RELIANCE: Partial<Record<ZohoModuleName, ModuleReliance>> = {
  BTEC_Grades: {
    writes: { grade: BTEC_LETTERS, gradeStatus: [...new Set(Object.values(GRADE_STATUS))] },
    unique: ['compositeKey'],
  },
};

/** Settings that name values of an org's picklist: a value the org lacks is a typo or an old value. */
const SETTINGS_OF_PICKLISTS = [
  { setting: 'students.suspend_when_status', module: 'BTEC_Students', property: 'status' },
  { setting: 'classes.create_when_status', module: 'BTEC_Classes', property: 'status' },
] as const;

/**
 * Zoho: the OAuth credentials give a token; every module the service maps can be read; and,
 * from Zoho's fields metadata, every mapped field exists with a type the service can read, the
 * picklist values it writes are in the org's lists, the fields it finds records by are unique,
 * and the settings that name picklist values name values the org has.
 */
export async function checkZohoSetup(
  client: ZohoClient | undefined,
  settings?: Pick<SyncSettings, (typeof SETTINGS_OF_PICKLISTS)[number]['setting']>,
): Promise<Check[]> {
  if (!client) {
    return [
      {
        area: 'zoho',
        name: 'configured',
        status: 'problem',
        detail: 'the Zoho OAuth settings are not all set',
        fix: 'set ZOHO_ACCOUNTS_URL, ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET, ZOHO_REFRESH_TOKEN and ENCRYPTION_KEY (README "Connecting to Zoho\'s API")',
      },
    ];
  }
  const checks: Check[] = [];
  for (const module of ZOHO_MODULE_NAMES) {
    const fields = Object.values(client.fieldMappings[module] as Record<string, { apiName?: string }>)
      .flatMap((spec) => (spec.apiName ? [spec.apiName] : []))
      .slice(0, 50);
    try {
      for await (const record of client.listRecords(module, { fields, perPage: 1 })) {
        void record;
        break;
      }
      checks.push({ area: 'zoho', name: module, status: 'ok', detail: 'readable' });
    } catch (error) {
      checks.push({
        area: 'zoho',
        name: module,
        status: 'problem',
        detail: message(error),
        fix: 'check the module exists in the org with this API name (ZOHO_FIELD_OVERRIDES for another name) and the OAuth scopes (README "Connecting to Zoho\'s API")',
      });
      // Bad credentials fail every module alike: say it once.
      if (/token|credential|OAuth/i.test(message(error))) return checks;
      continue;
    }
    checks.push(...(await checkZohoFields(client, module, settings)));
  }
  return checks;
}

async function checkZohoFields(
  client: ZohoClient,
  module: ZohoModuleName,
  settings: Parameters<typeof checkZohoSetup>[1],
): Promise<Check[]> {
  const name = `${module} fields`;
  let org: Awaited<ReturnType<ZohoClient['fieldsMetadata']>>;
  try {
    org = await client.fieldsMetadata(module);
  } catch (error) {
    return [
      {
        area: 'zoho',
        name,
        status: 'problem',
        detail: `Zoho's field metadata could not be read: ${message(error)}`,
        fix: 'make a refresh token with the scope ZohoCRM.settings.fields.READ too (README "Connecting to Zoho\'s API"): without it, picklist values are checked against the shipped lists only',
      },
    ];
  }
  const mapping = client.fieldMappings[module];
  const problems = compareFieldsWithOrg(module, mapping, org, ZOHO_RELIANCE[module]);
  const checks: Check[] = problems.map((p) => ({
    area: 'zoho',
    name,
    status: 'problem',
    detail: p.detail,
    fix: p.fix,
  }));
  for (const { setting, module: of, property } of SETTINGS_OF_PICKLISTS) {
    if (of !== module || !settings) continue;
    const apiName = client.fields.name(of, property);
    const values = org.find((field) => field.apiName === apiName)?.picklist;
    const unknown = values ? settings[setting].filter((value) => !values.includes(value)) : [];
    if (unknown.length) {
      checks.push({
        area: 'zoho',
        name: setting,
        status: 'problem',
        detail: `${setting} names ${unknown.map((v) => `"${v}"`).join(', ')}, which ${module}.${apiName} does not have (the org's values: ${values!.map((v) => `"${v}"`).join(', ')})`,
        fix: `correct the setting (a typo, or a value renamed in Zoho): update app_settings set value = '<JSON list>' where key = '${setting}'`,
      });
    }
  }
  if (checks.length === 0)
    checks.push({
      area: 'zoho',
      name,
      status: 'ok',
      detail: `all ${Object.keys(mapping).length} mapped fields exist with a readable type${ZOHO_RELIANCE[module] ? '; written picklist values and unique keys are there' : ''}`,
    });
  return checks;
}
