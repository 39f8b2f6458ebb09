import { coqlString } from '../../../shared/clients/zoho/createZohoClient.ts';
import { findLinkByMoodleId, saveLink } from '../../../shared/db/queries/syncLinks.ts';
import { PermanentError } from '../../../shared/domain/errors.ts';
import type { MoodleUserData } from '../../../shared/domain/moodle/moodleEventData.ts';
import { splitFullName } from '../../../shared/domain/sync/splitFullName.ts';
import { flowsToZoho } from '../../../shared/domain/sync/syncDirections.ts';
import type { SyncOutcome } from '../syncHandler.ts';
import type { MoodleSyncRun } from './moodleSyncRun.ts';

/**
 * A Moodle user created or updated → linked to their Zoho student (or teacher) by e-mail
 * when not linked yet, and `Student_Moodle_ID` / `Teacher_Moodle_ID` written when Zoho lacks
 * it. Zoho stays the source of people: a Moodle user with no Zoho record is only created in
 * Zoho (as a student) when `sync.directions.student_profile` says Moodle → Zoho. Deleted
 * Moodle users change nothing in Zoho.
 */
export async function linkUserToZoho(run: MoodleSyncRun<MoodleUserData>): Promise<SyncOutcome> {
  const user = run.data;
  const base = { entity: 'user', moodleId: user.id };
  if (user.deleted)
    return {
      status: 'skipped',
      result: {
        ...base,
        action: 'skipped',
        reason: 'user deleted in Moodle: Zoho records are kept (people are managed in Zoho)',
      },
    };
  for (const entity of ['student', 'teacher'] as const) {
    const link = await findLinkByMoodleId(run.ctx.db, entity, user.id);
    if (link)
      return { status: 'completed', result: { ...base, action: 'unchanged', linkedTo: entity, zohoId: link.zoho_id } };
  }
  const email = user.email?.trim().toLowerCase();
  if (!email || !email.includes('@'))
    return { status: 'skipped', result: { ...base, action: 'skipped', reason: 'no e-mail to match a Zoho record by' } };

  const f = run.zoho.fields;
  const candidates = [
    {
      entity: 'student' as const,
      module: 'BTEC_Students' as const,
      field: f.name('BTEC_Students', 'moodleId'),
      where: `${f.name('BTEC_Students', 'academicEmail')} = ${coqlString(email)}`,
    },
    {
      entity: 'teacher' as const,
      module: 'BTEC_Teachers' as const,
      field: f.name('BTEC_Teachers', 'moodleId'),
      where: `${f.name('BTEC_Teachers', 'academicEmail')} = ${coqlString(email)} or ${f.name('BTEC_Teachers', 'email')} = ${coqlString(email)}`,
    },
  ];
  for (const candidate of candidates) {
    const rows = await run.zoho.coql(
      `select id, ${candidate.field} from ${candidate.module} where ${candidate.where} limit 2`,
    );
    if (rows.length > 1)
      throw new PermanentError(
        'zoho.ambiguous',
        `Moodle user ${user.id}: several ${candidate.module} records (${rows.map((r) => r.id).join(', ')}) have its e-mail`,
      );
    const [row] = rows;
    if (!row) continue;
    const claimed = row[candidate.field];
    if (typeof claimed === 'string' && claimed.trim() !== '' && claimed.trim() !== String(user.id)) {
      return {
        status: 'skipped',
        result: {
          ...base,
          action: 'skipped',
          reason: `${candidate.module} ${row.id} has its e-mail but is linked to Moodle user ${claimed.trim()}`,
        },
      };
    }
    if (!run.dryRun) {
      await saveLink(run.ctx.db, {
        entity: candidate.entity,
        zohoId: row.id,
        moodleId: user.id,
        fingerprint: null,
        eventId: run.event.id,
      });
      if (claimed !== String(user.id))
        await run.zoho.updateOne(candidate.module, {
          id: row.id,
          ...f.record(candidate.module, { moodleId: String(user.id) }),
        });
    }
    return {
      status: 'completed',
      result: { ...base, action: 'linked', linkedTo: candidate.entity, linkedBy: 'email', zohoId: row.id },
    };
  }

  // Creating people in Zoho needs an explicit direction: an unset key does not allow it.
  if (run.settings['sync.directions'].student_profile === undefined || !flowsToZoho(run.settings, 'student_profile')) {
    return {
      status: 'skipped',
      result: {
        ...base,
        action: 'skipped',
        reason:
          'no Zoho student or teacher has its e-mail; Zoho students are created from Moodle only when sync.directions.student_profile is moodle_to_zoho or bidirectional',
      },
    };
  }
  if (run.dryRun)
    return { status: 'completed', result: { ...base, action: 'created', linkedTo: 'student', zohoId: null } };
  const names =
    user.firstname && user.lastname
      ? { firstname: user.firstname, lastname: user.lastname }
      : splitFullName(`${user.firstname ?? ''} ${user.lastname ?? ''}`);
  const { id } = await run.zoho.insertOne(
    'BTEC_Students',
    f.record('BTEC_Students', {
      firstName: names.firstname,
      lastName: names.lastname,
      academicEmail: email,
      moodleId: String(user.id),
      city: user.city || undefined,
    }),
  );
  await saveLink(run.ctx.db, {
    entity: 'student',
    zohoId: id,
    moodleId: user.id,
    fingerprint: null,
    eventId: run.event.id,
  });
  return { status: 'completed', result: { ...base, action: 'created', linkedTo: 'student', zohoId: id } };
}
