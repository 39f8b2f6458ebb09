import type { MoodleUser } from '../../shared/clients/moodle/moodleSchemas.ts';
import type { SyncSettings } from '../../shared/domain/settings/syncSettings.ts';
import { getLink, type SyncLink } from '../../shared/db/queries/syncLinks.ts';
import { PermanentError } from '../../shared/domain/errors.ts';
import type { EventKind } from '../../shared/domain/events.ts';
import { isDeletedMoodleUser } from '../../shared/domain/moodle/isDeletedMoodleUser.ts';
import { isEmptyFinance, mapFinance } from '../../shared/domain/dashboard/mapFinance.ts';
import { fingerprint } from '../../shared/domain/sync/fingerprint.ts';
import {
  mapStudentToMoodleUser,
  mapTeacherToMoodleUser,
  type DesiredMoodleUser,
} from '../../shared/domain/sync/mapPersonToMoodleUser.ts';
import { pickMoodleUser, type UserLookup, type UserLookupWay } from '../../shared/domain/sync/pickMoodleUser.ts';
import { planDashboardPush, planDashboardRemoval } from '../../shared/domain/sync/planDashboardRecord.ts';
import { planUserChanges } from '../../shared/domain/sync/planUserChanges.ts';
import { planWriteBack } from '../../shared/domain/sync/planWriteBack.ts';
import { flowsToMoodle } from '../../shared/domain/sync/syncDirections.ts';
import {
  ref,
  type EntityResult,
  type IdOrRef,
  type SyncPlan,
  type SyncStep,
  skipPlan,
} from '../../shared/domain/sync/syncPlan.ts';
import type { ZohoStudent, ZohoTeacher } from '../../shared/domain/zoho/zohoRecordSchemas.ts';
import { defineFlow, linkToTrust, type FlowIO } from '../pipeline/flow.ts';

export type PersonEntity = 'student' | 'teacher';

const MODULE = { student: 'BTEC_Students', teacher: 'BTEC_Teachers' } as const;

/** What the person flows read: the link, the Zoho record, and the Moodle accounts looked up for it. */
export type PersonState =
  | { entity: PersonEntity; zohoId: string; link: SyncLink | null; record: null; deleted: { user: MoodleUser | null } }
  | {
      entity: PersonEntity;
      zohoId: string;
      link: SyncLink | null;
      record: ZohoStudent | ZohoTeacher;
      desired: DesiredMoodleUser;
      print: string;
      /** The lookups made, in order (none when the link's fingerprint says nothing changed). */
      lookups: { way: UserLookupWay; user: MoodleUser | null }[];
      /** The org's API name of the Moodle-id field (Student_Moodle_ID, Teacher_Moodle_ID). */
      writeBackField: string;
    };

/**
 * Reads a Zoho student or teacher and what Moodle has of them. The Moodle lookups stop as soon
 * as `pickMoodleUser` can decide (the link, idnumber = Zoho id, the id Zoho remembers, the
 * e-mail, the username), and are skipped when the link's fingerprint matches the record.
 */
export async function readPerson(
  io: FlowIO,
  entity: PersonEntity,
  zohoId: string,
  fetched?: { record: ZohoStudent | ZohoTeacher | null },
): Promise<PersonState> {
  const module = MODULE[entity];
  const link = linkToTrust(io, await getLink(io.db, entity, zohoId));
  const record = fetched ? fetched.record : await io.zoho.fetchRecord(module, zohoId);
  if (!record)
    return { entity, zohoId, link, record: null, deleted: { user: await readSuspendTarget(io, zohoId, link) } };

  const desired =
    entity === 'student'
      ? mapStudentToMoodleUser(record as ZohoStudent, {
          suspendWhenStatus: io.settings['students.suspend_when_status'],
          fields: io.zoho.fields,
        })
      : mapTeacherToMoodleUser(record as ZohoTeacher, io.zoho.fields);
  const print = fingerprint(desired);
  const writeBackField = io.zoho.fields.name(module, 'moodleId');
  const state = { entity, zohoId, link, record, desired, print, lookups: [], writeBackField } as PersonState & {
    lookups: { way: UserLookupWay; user: MoodleUser | null }[];
  };
  if (link && link.state === 'active' && link.fingerprint === print) return state;

  const lookup = lookupOf(entity, desired);
  const byId = async (id: number) => {
    const [user] = await io.moodle.getUsersByField('id', [id]);
    return user && !isDeletedMoodleUser(user) ? user : null;
  };
  const zohoMoodleId = record.moodleId?.trim() ?? '';
  type Way = [UserLookupWay, () => Promise<MoodleUser | null>];
  const ways: Way[] = [];
  if (link) ways.push(['link', () => byId(link.moodle_id)]);
  ways.push(['idnumber', () => io.moodle.findUser('idnumber', zohoId)]);
  if (/^[1-9]\d{0,14}$/.test(zohoMoodleId)) ways.push(['zoho_moodle_id', () => byId(Number(zohoMoodleId))]);
  ways.push(['email', () => io.moodle.findUser('email', desired.email)]);
  ways.push(['username', () => io.moodle.findUser('username', desired.username)]);
  for (const [way, read] of ways) {
    state.lookups.push({ way, user: await read() });
    if (pickMoodleUser(state.lookups, lookup, { complete: false }) !== undefined) break;
  }
  return state;
}

/** The account to suspend when the record is gone from Zoho: the linked one if it is still theirs, else by idnumber. */
async function readSuspendTarget(io: FlowIO, zohoId: string, link: SyncLink | null): Promise<MoodleUser | null> {
  const users = link ? await io.moodle.getUsersByField('id', [link.moodle_id]) : [];
  return users.find((u) => (u.idnumber ?? '') === zohoId) ?? (await io.moodle.findUser('idnumber', zohoId));
}

function lookupOf(entity: PersonEntity, desired: DesiredMoodleUser): UserLookup {
  return { zohoId: desired.idnumber, email: desired.email, label: `${MODULE[entity]} ${desired.idnumber}` };
}

/**
 * A Zoho student or teacher → their Moodle account (docs/design.md "Zoho → Moodle"): created,
 * updated or left alone by fingerprint; suspended (never deleted) when the record is gone from
 * Zoho or its status says so; the Moodle id written back to Zoho when Zoho does not have it.
 * Pure. @throws PermanentError `moodle.conflict` when the account found belongs to another record.
 */
export function planPerson(state: PersonState, settings: SyncSettings): SyncPlan {
  const { entity, zohoId, link } = state;
  if (state.record === null) return planSuspension(entity, zohoId, state.deleted.user);

  const { desired, print, record } = state;
  const warnings = desired.unknownCountry
    ? [`Country "${desired.unknownCountry}" has no ISO code; Moodle's country left as it is`]
    : undefined;
  const steps: SyncStep[] = [];
  let result: EntityResult;
  if (link && link.state === 'active' && link.fingerprint === print) {
    result = { entity, zohoId, action: 'unchanged', moodleId: link.moodle_id };
  } else {
    const picked = pickMoodleUser(state.lookups, lookupOf(entity, desired), { complete: true });
    if (!picked) {
      if (desired.suspended) {
        return skipPlan({
          entity,
          zohoId,
          moodleId: null,
          reason: 'status means suspended and there is no Moodle account: none created',
        });
      }
      steps.push({
        op: 'moodle.create_user',
        ref: 'user',
        user: {
          username: desired.username,
          email: desired.email,
          firstname: desired.firstname,
          lastname: desired.lastname,
          idnumber: zohoId,
          auth: settings['moodle.new_users'].auth,
          ...(desired.city ? { city: desired.city } : {}),
          ...(desired.country ? { country: desired.country } : {}),
        },
      });
      const changes = ['username', 'email', 'firstname', 'lastname', 'idnumber'];
      if (desired.city) changes.push('city');
      if (desired.country) changes.push('country');
      result = { entity, zohoId, action: 'created', moodleId: ref('user'), changes };
    } else {
      const changes = planUserChanges(picked.user, desired);
      const fields = Object.keys(changes);
      const base = {
        entity,
        zohoId,
        moodleId: picked.user.id,
        ...(picked.linkedBy !== 'link' ? { linkedBy: picked.linkedBy } : {}),
      };
      if (fields.length === 0) result = { ...base, action: 'unchanged' };
      else {
        steps.push({ op: 'moodle.update_user', userId: picked.user.id, changes });
        // A change that only suspends is reported as such; anything else is an update.
        result = { ...base, action: changes.suspended === true ? 'suspended' : 'updated', changes: fields };
      }
    }
    if (warnings) result.warnings = warnings;
    const moodleId = result.moodleId as IdOrRef;
    steps.push({
      op: 'link.save',
      entity,
      zohoId,
      moodleId,
      fingerprint: print,
      state: desired.suspended ? 'suspended' : 'active',
    });
  }
  const writeBack = planWriteBack(MODULE[entity], zohoId, 'moodleId', record.moodleId, result.moodleId as IdOrRef);
  if (writeBack) {
    steps.push(writeBack);
    result.writeBack = state.writeBackField;
  }
  return { result, steps };
}

/** The Zoho record is gone (deleted): suspend the account, never delete it (grades and history stay). */
function planSuspension(entity: PersonEntity, zohoId: string, user: MoodleUser | null): SyncPlan {
  const module = MODULE[entity];
  if (!user) {
    return skipPlan({
      entity,
      zohoId,
      moodleId: null,
      reason: `${module} ${zohoId} no longer exists in Zoho and has no Moodle account`,
    });
  }
  if (user.suspended) {
    return {
      result: {
        entity,
        zohoId,
        action: 'unchanged',
        moodleId: user.id,
        reason: 'deleted in Zoho; the Moodle account was already suspended',
      },
      steps: [],
    };
  }
  return {
    result: {
      entity,
      zohoId,
      action: 'suspended',
      moodleId: user.id,
      changes: ['suspended'],
      reason: 'deleted in Zoho',
    },
    steps: [
      { op: 'moodle.update_user', userId: user.id, changes: { suspended: true } },
      // No fingerprint: if the record comes back (restored from Zoho's recycle bin) it is applied again.
      { op: 'link.save', entity, zohoId, moodleId: user.id, fingerprint: null, state: 'suspended' },
    ],
  };
}

/**
 * The Moodle user of a person another record needs (a class's teacher, an enrolment's student):
 * the link when it is active, else the person's own flow runs first (`io.ensure`) and its result
 * joins `dependencies`. In a dry run, an account that would be made is a ref that never resolves.
 * @throws PermanentError `dependency.unavailable` when the person cannot have an account.
 */
export async function ensurePerson(
  io: FlowIO,
  entity: PersonEntity,
  zohoId: string,
  dependencies: EntityResult[],
): Promise<IdOrRef> {
  const link = await getLink(io.db, entity, zohoId);
  if (link && link.state === 'active') return link.moodle_id;
  const result = await io.ensure(`zoho.${entity}` as EventKind, zohoId);
  dependencies.push(result);
  if (typeof result.moodleId === 'number') return result.moodleId;
  if (result.action === 'created') return ref(`${entity}:${zohoId}`);
  throw new PermanentError(
    'dependency.unavailable',
    `${entity} ${zohoId} has no Moodle account: ${String(result.reason ?? result.action)}`,
  );
}

/** `zoho.teacher`: the teacher's Moodle account. */
export const zohoTeacher = defineFlow<PersonState>({
  kind: 'zoho.teacher',
  gate: {
    module: 'BTEC_Teachers',
    direction: { key: 'student_profile', way: 'zoho_to_moodle' },
    needs: ['zoho', 'moodle'],
  },
  read: (io, { recordId }) => readPerson(io, 'teacher', recordId),
  plan: planPerson,
});

export interface StudentState {
  person: PersonState;
  /** The finance summary's link, when `sync.directions.finance` flows Zoho → Moodle (else not read). */
  finance: { link: SyncLink | null } | null;
}

/**
 * `zoho.student`: the student's Moodle account first (the event's result), then — when
 * `sync.directions.finance` flows Zoho → Moodle — their finance summary on the dashboard,
 * reported under `details.finance`. The record is fetched once for both. A failing finance push
 * fails the event (retried or shown as failed); the account part is idempotent, so a retry finds
 * it unchanged and only the finance push is redone.
 */
export const zohoStudent = defineFlow<StudentState>({
  kind: 'zoho.student',
  gate: {
    module: 'BTEC_Students',
    direction: { key: 'student_profile', way: 'zoho_to_moodle' },
    needs: ['zoho', 'moodle'],
  },
  async read(io, { recordId }) {
    const record = await io.zoho.fetchRecord('BTEC_Students', recordId);
    const person = await readPerson(io, 'student', recordId, { record });
    const finance = flowsToMoodle(io.settings, 'finance') ? { link: await getLink(io.db, 'finance', recordId) } : null;
    return { person, finance };
  },
  plan(state, settings) {
    const person = planPerson(state.person, settings);
    if (!state.finance) return person;
    const finance = planFinance(state.person, state.finance.link, person);
    if (!finance) return person;
    const result = { ...person.result, details: { ...person.result.details, finance: finance.result } };
    return { result, steps: [...person.steps, ...finance.steps] };
  },
});

/**
 * A student's finance summary → the plugin (`local_zohosync_upsert_finance`, keyed by the
 * student's Zoho id), for the Moodle user the account part gives. Null when there is nothing to
 * do and nothing to report: a summary with every field empty that was never on the dashboard
 * costs no call and leaves no link. Emptied in Zoho, or the student deleted in Zoho → removed.
 */
function planFinance(person: PersonState, link: SyncLink | null, account: SyncPlan): SyncPlan | null {
  const onDashboard = link?.state === 'active';
  const { zohoId } = person;
  if (person.record === null)
    return onDashboard ? planDashboardRemoval('finance', zohoId, link, 'BTEC_Students') : null;

  const mapped = mapFinance(person.record as ZohoStudent, 0);
  if (isEmptyFinance(mapped.record)) {
    return onDashboard
      ? planDashboardRemoval('finance', zohoId, link, 'BTEC_Students', 'finance fields emptied in Zoho')
      : null;
  }
  const userId = account.result.moodleId ?? null;
  if (userId === null) {
    return skipPlan({
      entity: 'finance',
      zohoId,
      moodleId: null,
      reason: 'the student has no Moodle account: no dashboard to show the finance summary on',
    });
  }
  // The account's id, or the ref of the account this plan creates (resolved when applied).
  return planDashboardPush({ entity: 'finance', zohoId, link, mapped, userId });
}
