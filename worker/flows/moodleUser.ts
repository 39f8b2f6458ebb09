import { coqlString } from '../../shared/clients/zoho/createZohoClient.ts';
import type { SyncSettings } from '../../shared/domain/settings/syncSettings.ts';
import { findLinkByMoodleId } from '../../shared/db/queries/syncLinks.ts';
import { PermanentError } from '../../shared/domain/errors.ts';
import { moodleUserDataSchema, type MoodleUserData } from '../../shared/domain/moodle/moodleEventData.ts';
import { splitFullName } from '../../shared/domain/sync/splitFullName.ts';
import { flowsToZoho } from '../../shared/domain/sync/syncDirections.ts';
import { ref, type SyncPlan } from '../../shared/domain/sync/syncPlan.ts';
import { defineFlow } from '../pipeline/flow.ts';

type PersonEntity = 'student' | 'teacher';
const MODULE = { student: 'BTEC_Students', teacher: 'BTEC_Teachers' } as const;

export interface UserToZohoState {
  user: MoodleUserData;
  /** The person the user is linked to already. */
  linked: { entity: PersonEntity; zohoId: string } | null;
  /** The Zoho person with the user's e-mail (students first), with the Moodle id Zoho holds for them. */
  found: { entity: PersonEntity; zohoId: string; claimed: unknown } | null;
  /** Several Zoho records of one module with the e-mail: which. */
  ambiguous: { module: string; ids: string[] } | null;
}

const emailOf = (user: MoodleUserData) => {
  const email = user.email?.trim().toLowerCase();
  return email && email.includes('@') ? email : null;
};

/**
 * A Moodle user created or updated → linked to their Zoho student (or teacher) by e-mail when
 * not linked yet, and `Student_Moodle_ID` / `Teacher_Moodle_ID` written when Zoho lacks it. Zoho
 * stays the source of people: a Moodle user with no Zoho record is only created in Zoho (as a
 * student) when `sync.directions.student_profile` says Moodle → Zoho. Deleted Moodle users
 * change nothing in Zoho. Pure.
 */
export function planUserToZoho(state: UserToZohoState, settings: SyncSettings): SyncPlan {
  const { user } = state;
  const base = { entity: 'user', moodleId: user.id };
  const skip = (reason: string): SyncPlan => ({ result: { ...base, action: 'skipped', reason }, steps: [] });
  if (user.deleted) return skip('user deleted in Moodle: Zoho records are kept (people are managed in Zoho)');
  if (state.linked) {
    return {
      result: { ...base, action: 'unchanged', linkedTo: state.linked.entity, zohoId: state.linked.zohoId },
      steps: [],
    };
  }
  const email = emailOf(user);
  if (!email) return skip('no e-mail to match a Zoho record by');
  if (state.ambiguous) {
    throw new PermanentError(
      'zoho.ambiguous',
      `Moodle user ${user.id}: several ${state.ambiguous.module} records (${state.ambiguous.ids.join(', ')}) have its e-mail`,
    );
  }
  const { found } = state;
  if (found) {
    const { entity, zohoId, claimed } = found;
    if (typeof claimed === 'string' && claimed.trim() !== '' && claimed.trim() !== String(user.id)) {
      return skip(`${MODULE[entity]} ${zohoId} has its e-mail but is linked to Moodle user ${claimed.trim()}`);
    }
    return {
      result: { ...base, action: 'linked', linkedTo: entity, linkedBy: 'email', zohoId },
      steps: [
        { op: 'link.save', entity, zohoId, moodleId: user.id, fingerprint: null },
        ...(claimed !== String(user.id)
          ? [
              {
                op: 'zoho.update' as const,
                module: MODULE[entity],
                recordId: zohoId,
                values: { moodleId: String(user.id) },
              },
            ]
          : []),
      ],
    };
  }
  // Creating people in Zoho needs an explicit direction: an unset key does not allow it.
  if (settings['sync.directions'].student_profile === undefined || !flowsToZoho(settings, 'student_profile')) {
    return skip(
      'no Zoho student or teacher has its e-mail; Zoho students are created from Moodle only when sync.directions.student_profile is moodle_to_zoho or bidirectional',
    );
  }
  const names =
    user.firstname && user.lastname
      ? { firstname: user.firstname, lastname: user.lastname }
      : splitFullName(`${user.firstname ?? ''} ${user.lastname ?? ''}`);
  return {
    result: { ...base, action: 'created', linkedTo: 'student', zohoId: ref('student') },
    steps: [
      {
        op: 'zoho.insert',
        ref: 'student',
        module: 'BTEC_Students',
        values: {
          firstName: names.firstname,
          lastName: names.lastname,
          academicEmail: email,
          moodleId: String(user.id),
          city: user.city || undefined,
        },
      },
      { op: 'link.save', entity: 'student', zohoId: ref('student'), moodleId: user.id, fingerprint: null },
    ],
  };
}

/** `moodle.user`: linking runs in every direction; creating Zoho students is decided inside by `sync.directions.student_profile`. */
export const moodleUser = defineFlow<UserToZohoState, MoodleUserData>({
  kind: 'moodle.user',
  gate: { module: 'BTEC_Students', direction: null, needs: ['zoho'] },
  data: { schema: moodleUserDataSchema, in: 'envelope' },
  async read(io, { data: user }) {
    const state: UserToZohoState = { user, linked: null, found: null, ambiguous: null };
    if (user.deleted) return state;
    for (const entity of ['student', 'teacher'] as const) {
      const link = await findLinkByMoodleId(io.db, entity, user.id);
      if (link) return { ...state, linked: { entity, zohoId: link.zoho_id } };
    }
    const email = emailOf(user);
    if (!email) return state;
    const f = io.zoho.fields;
    const candidates = [
      {
        entity: 'student' as const,
        field: f.name('BTEC_Students', 'moodleId'),
        where: `${f.name('BTEC_Students', 'academicEmail')} = ${coqlString(email)}`,
      },
      {
        entity: 'teacher' as const,
        field: f.name('BTEC_Teachers', 'moodleId'),
        where: `${f.name('BTEC_Teachers', 'academicEmail')} = ${coqlString(email)} or ${f.name('BTEC_Teachers', 'email')} = ${coqlString(email)}`,
      },
    ];
    for (const candidate of candidates) {
      const module = MODULE[candidate.entity];
      const rows = await io.zoho.coql(`select id, ${candidate.field} from ${module} where ${candidate.where} limit 2`);
      if (rows.length > 1) return { ...state, ambiguous: { module, ids: rows.map((r) => r.id) } };
      const [row] = rows;
      if (row) return { ...state, found: { entity: candidate.entity, zohoId: row.id, claimed: row[candidate.field] } };
    }
    return state;
  },
  plan: planUserToZoho,
});
