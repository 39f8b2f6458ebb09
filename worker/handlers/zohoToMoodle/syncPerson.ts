import { getLink, saveLink, type SyncLink } from '../../../shared/db/queries/syncLinks.ts';
import { PermanentError, SyncError } from '../../../shared/domain/errors.ts';
import { fingerprint } from '../../../shared/domain/sync/fingerprint.ts';
import {
  mapStudentToMoodleUser,
  mapTeacherToMoodleUser,
  type DesiredMoodleUser,
} from '../../../shared/domain/sync/mapPersonToMoodleUser.ts';
import { planUserChanges } from '../../../shared/domain/sync/planUserChanges.ts';
import type { ZohoStudent, ZohoTeacher } from '../../../shared/domain/zoho/zohoRecordSchemas.ts';
import { findMoodleUser } from './findMoodleUser.ts';
import { writeBackMoodleId } from './writeBackMoodleId.ts';
import type { EntityResult, ZohoSyncRun } from './zohoSyncRun.ts';

export type PersonEntity = 'student' | 'teacher';

const PERSON = {
  student: { module: 'BTEC_Students' },
  teacher: { module: 'BTEC_Teachers' },
} as const;

export function personModule(entity: PersonEntity) {
  return PERSON[entity].module;
}

/**
 * A Zoho student or teacher → their Moodle account (DESIGN.md "Zoho → Moodle mapping"):
 * fetched from Zoho, mapped, compared by fingerprint, then created, updated or left
 * alone; suspended (never deleted) when the record is gone from Zoho or its status says
 * so. The Moodle id goes back to Zoho when Zoho does not have it.
 */
export async function syncPerson(
  run: ZohoSyncRun,
  entity: PersonEntity,
  zohoId: string,
  /** The record when the caller has fetched it already (null: deleted in Zoho). */
  fetched?: { record: ZohoStudent | ZohoTeacher | null },
): Promise<EntityResult> {
  const { module } = PERSON[entity];
  const link = await getLink(run.ctx.db, entity, zohoId);
  const record = fetched ? fetched.record : await run.zoho.fetchRecord(module, zohoId);
  if (!record) return suspendPerson(run, entity, zohoId, link);

  const desired: DesiredMoodleUser =
    entity === 'student'
      ? mapStudentToMoodleUser(record as Parameters<typeof mapStudentToMoodleUser>[0], {
          suspendWhenStatus: run.settings['students.suspend_when_status'],
          fields: run.zoho.fields,
        })
      : mapTeacherToMoodleUser(record as Parameters<typeof mapTeacherToMoodleUser>[0], run.zoho.fields);
  const print = fingerprint(desired);
  const warnings = desired.unknownCountry
    ? [`Country "${desired.unknownCountry}" has no ISO code; Moodle's country left as it is`]
    : undefined;

  let result: EntityResult;
  if (link && link.state === 'active' && link.fingerprint === print) {
    result = { entity, zohoId, action: 'unchanged', moodleId: link.moodle_id };
  } else {
    result = await applyPerson(run, entity, desired, link, record.moodleId);
    if (warnings) result.warnings = warnings;
    if (!run.dryRun && result.moodleId !== null) {
      await saveLink(run.ctx.db, {
        entity,
        zohoId,
        moodleId: result.moodleId,
        fingerprint: print,
        state: desired.suspended ? 'suspended' : 'active',
        eventId: run.event.id,
      });
    }
  }
  if (result.moodleId !== null) {
    const written = await writeBackMoodleId(run, module, zohoId, 'moodleId', record.moodleId, result.moodleId);
    if (written) result.writeBack = written;
  }
  return result;
}

async function applyPerson(
  run: ZohoSyncRun,
  entity: PersonEntity,
  desired: DesiredMoodleUser,
  link: SyncLink | null,
  zohoMoodleId: string | null,
): Promise<EntityResult> {
  const zohoId = desired.idnumber;
  const lookup = {
    zohoId,
    username: desired.username,
    email: desired.email,
    linkedId: link?.moodle_id ?? null,
    zohoMoodleId,
    label: `${PERSON[entity].module} ${zohoId}`,
  };
  const found = await findMoodleUser(run.moodle, lookup);

  if (!found) {
    if (desired.suspended) {
      return {
        entity,
        zohoId,
        action: 'skipped',
        moodleId: null,
        reason: 'status means suspended and there is no Moodle account: none created',
      };
    }
    const created: EntityResult = {
      entity,
      zohoId,
      action: 'created',
      moodleId: null,
      changes: [
        'username',
        'email',
        'firstname',
        'lastname',
        'idnumber',
        ...(desired.city ? ['city'] : []),
        ...(desired.country ? ['country'] : []),
      ],
    };
    if (run.dryRun) return created;
    try {
      const [user] = await run.moodle.createUsers([
        {
          username: desired.username,
          email: desired.email,
          firstname: desired.firstname,
          lastname: desired.lastname,
          idnumber: zohoId,
          auth: run.settings['moodle.new_users'].auth,
          ...(desired.city ? { city: desired.city } : {}),
          ...(desired.country ? { country: desired.country } : {}),
        },
      ]);
      return { ...created, moodleId: user!.id };
    } catch (error) {
      // Another job (or a person) created it between our lookup and our create.
      if (!(error instanceof SyncError && error.code === 'moodle.duplicate')) throw error;
      const again = await findMoodleUser(run.moodle, lookup);
      if (!again) throw error;
      return updateFound(run, entity, desired, again.user, again.linkedBy);
    }
  }
  return updateFound(run, entity, desired, found.user, found.linkedBy);
}

async function updateFound(
  run: ZohoSyncRun,
  entity: PersonEntity,
  desired: DesiredMoodleUser,
  user: { id: number } & Parameters<typeof planUserChanges>[0],
  linkedBy: EntityResult['linkedBy'] | 'link',
): Promise<EntityResult> {
  const changes = planUserChanges(user, desired);
  const fields = Object.keys(changes);
  const base = { entity, zohoId: desired.idnumber, moodleId: user.id, ...(linkedBy !== 'link' ? { linkedBy } : {}) };
  if (fields.length === 0) return { ...base, action: 'unchanged' };
  if (!run.dryRun) await run.moodle.updateUsers([{ id: user.id, ...changes }]);
  // A change that only suspends is reported as such; anything else is an update.
  const action = changes.suspended === true ? 'suspended' : 'updated';
  return { ...base, action, changes: fields };
}

/** The Zoho record is gone (deleted): suspend the account, never delete it (grades and history stay). */
async function suspendPerson(
  run: ZohoSyncRun,
  entity: PersonEntity,
  zohoId: string,
  link: SyncLink | null,
): Promise<EntityResult> {
  const { module } = PERSON[entity];
  const linkedId = link?.moodle_id ?? null;
  const users = linkedId !== null ? await run.moodle.getUsersByField('id', [linkedId]) : [];
  const user = users.find((u) => (u.idnumber ?? '') === zohoId) ?? (await run.moodle.findUser('idnumber', zohoId));
  if (!user) {
    return {
      entity,
      zohoId,
      action: 'skipped',
      moodleId: null,
      reason: `${module} ${zohoId} no longer exists in Zoho and has no Moodle account`,
    };
  }
  if (user.suspended)
    return {
      entity,
      zohoId,
      action: 'unchanged',
      moodleId: user.id,
      reason: 'deleted in Zoho; the Moodle account was already suspended',
    };
  if (!run.dryRun) {
    await run.moodle.updateUsers([{ id: user.id, suspended: true }]);
    // No fingerprint: if the record comes back (restored from Zoho's recycle bin) it is applied again.
    await saveLink(run.ctx.db, {
      entity,
      zohoId,
      moodleId: user.id,
      fingerprint: null,
      state: 'suspended',
      eventId: run.event.id,
    });
  }
  return { entity, zohoId, action: 'suspended', moodleId: user.id, changes: ['suspended'], reason: `deleted in Zoho` };
}

/**
 * The Moodle user id of a person another record needs (a class's teacher, an enrolment's
 * student), syncing the person first when they have no account yet. Null only in a dry run.
 * @throws PermanentError when the person cannot have an account (no e-mail, suspended status…).
 */
export async function ensurePerson(
  run: ZohoSyncRun,
  entity: PersonEntity,
  zohoId: string,
  dependencies: EntityResult[],
): Promise<number | null> {
  const link = await getLink(run.ctx.db, entity, zohoId);
  if (link && link.state === 'active') return link.moodle_id;
  const release = await run.ctx.lockRecord(`zoho:${PERSON[entity].module}:${zohoId}`);
  try {
    const result = await syncPerson(run, entity, zohoId);
    dependencies.push(result);
    if (result.moodleId === null && !run.dryRun) {
      throw new PermanentError(
        'dependency.unavailable',
        `${entity} ${zohoId} has no Moodle account: ${result.reason ?? result.action}`,
      );
    }
    return result.moodleId;
  } finally {
    await release();
  }
}
