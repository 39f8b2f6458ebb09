import { coqlString } from '../../../shared/clients/zoho/createZohoClient.ts';
import { findLinkByMoodleId, getLink, saveLink } from '../../../shared/db/queries/syncLinks.ts';
import { PermanentError } from '../../../shared/domain/errors.ts';
import type { MoodleSyncRun } from './moodleSyncRun.ts';

const ZOHO_ID = /^\d{5,25}$/;

/**
 * The Zoho student of a Moodle user: the link first, then COQL on `Student_Moodle_ID`, then on
 * `Academic_Email` (COQL matches exactly and has no index lag, unlike search). A student found
 * in Zoho is linked, and gets `Student_Moodle_ID` when Zoho lacks it.
 * @returns the Zoho id, or null when no Zoho student is that user.
 * @throws PermanentError when several Zoho students claim the user.
 */
export async function resolveZohoStudent(
  run: MoodleSyncRun<unknown>,
  moodleUserId: number,
  email: string | null,
): Promise<string | null> {
  const link = await findLinkByMoodleId(run.ctx.db, 'student', moodleUserId);
  if (link) return link.zoho_id;
  const f = run.zoho.fields;
  const moodleIdField = f.name('BTEC_Students', 'moodleId');
  let rows = await run.zoho.coql(
    `select id, ${moodleIdField} from BTEC_Students where ${moodleIdField} = '${moodleUserId}' limit 2`,
  );
  const address = email?.trim().toLowerCase();
  const byEmail = rows.length === 0 && !!address && address.includes('@');
  if (byEmail) {
    rows = await run.zoho.coql(
      `select id, ${moodleIdField} from BTEC_Students where ${f.name('BTEC_Students', 'academicEmail')} = ${coqlString(address)} limit 2`,
    );
  }
  if (rows.length > 1) {
    throw new PermanentError(
      'zoho.ambiguous',
      `Moodle user ${moodleUserId}: several BTEC_Students records (${rows.map((r) => r.id).join(', ')}) match it; merge them in Zoho`,
    );
  }
  const [row] = rows;
  if (!row) return null;
  // Found by e-mail only: a student Zoho (or our link) already gives another Moodle account is
  // not this user's; re-pointing it would move their dashboard data to this account.
  const held = row[moodleIdField];
  const claimed = typeof held === 'string' ? held.trim() : '';
  const linked = byEmail ? await getLink(run.ctx.db, 'student', row.id) : null;
  const other = !byEmail
    ? null
    : claimed !== '' && claimed !== String(moodleUserId)
      ? claimed
      : linked && linked.moodle_id !== moodleUserId
        ? String(linked.moodle_id)
        : null;
  if (other !== null) {
    throw new PermanentError(
      'zoho.conflict',
      `Moodle user ${moodleUserId}: BTEC_Students ${row.id} has its e-mail but belongs to Moodle user ${other}; merge the two Moodle accounts or correct ${moodleIdField}`,
    );
  }
  if (!run.dryRun) {
    await saveLink(run.ctx.db, {
      entity: 'student',
      zohoId: row.id,
      moodleId: moodleUserId,
      fingerprint: null,
      eventId: run.event.id,
    });
    if (held !== String(moodleUserId))
      await run.zoho.updateOne('BTEC_Students', {
        id: row.id,
        ...f.record('BTEC_Students', { moodleId: String(moodleUserId) }),
      });
  }
  return row.id;
}

/**
 * The Zoho class of a Moodle course: the link, then COQL on `Moodle_Class_ID`, then the
 * course's idnumber when it is a Zoho class id. Never by name (names repeat and change).
 * @returns the Zoho id, or null when the course is no Zoho class.
 */
export async function resolveZohoClass(
  run: MoodleSyncRun<unknown>,
  courseId: number,
  courseIdnumber: string | null,
): Promise<string | null> {
  const link = await findLinkByMoodleId(run.ctx.db, 'class', courseId);
  if (link) return link.zoho_id;
  const classIdField = run.zoho.fields.name('BTEC_Classes', 'moodleClassId');
  const rows = await run.zoho.coql(`select id from BTEC_Classes where ${classIdField} = '${courseId}' limit 2`);
  if (rows.length > 1) {
    throw new PermanentError(
      'zoho.ambiguous',
      `Moodle course ${courseId}: several BTEC_Classes records (${rows.map((r) => r.id).join(', ')}) have it as ${classIdField}`,
    );
  }
  let zohoId = rows[0]?.id ?? null;
  if (!zohoId && courseIdnumber && ZOHO_ID.test(courseIdnumber.trim())) {
    const record = await run.zoho.getRecord('BTEC_Classes', courseIdnumber.trim());
    zohoId = record?.id ?? null;
  }
  if (zohoId && !run.dryRun) {
    await saveLink(run.ctx.db, {
      entity: 'class',
      zohoId,
      moodleId: courseId,
      fingerprint: null,
      eventId: run.event.id,
    });
  }
  return zohoId;
}
