import { coqlString } from '../../../shared/clients/zoho/createZohoClient.ts';
import { findLinkByMoodleId, saveLink } from '../../../shared/db/queries/syncLinks.ts';
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
export async function resolveZohoStudent(run: MoodleSyncRun<unknown>, moodleUserId: number, email: string | null): Promise<string | null> {
  const link = await findLinkByMoodleId(run.ctx.db, 'student', moodleUserId);
  if (link) return link.zoho_id;
  let rows = await run.zoho.coql(`select id, Student_Moodle_ID from BTEC_Students where Student_Moodle_ID = '${moodleUserId}' limit 2`);
  const address = email?.trim().toLowerCase();
  if (rows.length === 0 && address && address.includes('@')) {
    rows = await run.zoho.coql(`select id, Student_Moodle_ID from BTEC_Students where Academic_Email = ${coqlString(address)} limit 2`);
  }
  if (rows.length > 1) {
    throw new PermanentError('zoho.ambiguous', `Moodle user ${moodleUserId}: several BTEC_Students records (${rows.map((r) => r.id).join(', ')}) match it; merge them in Zoho`);
  }
  const [row] = rows;
  if (!row) return null;
  if (!run.dryRun) {
    await saveLink(run.ctx.db, { entity: 'student', zohoId: row.id, moodleId: moodleUserId, fingerprint: null, eventId: run.event.id });
    if (row.Student_Moodle_ID !== String(moodleUserId)) await run.zoho.updateOne('BTEC_Students', { id: row.id, Student_Moodle_ID: String(moodleUserId) });
  }
  return row.id;
}

/**
 * The Zoho class of a Moodle course: the link, then COQL on `Moodle_Class_ID`, then the
 * course's idnumber when it is a Zoho class id. Never by name (names repeat and change).
 * @returns the Zoho id, or null when the course is no Zoho class.
 */
export async function resolveZohoClass(run: MoodleSyncRun<unknown>, courseId: number, courseIdnumber: string | null): Promise<string | null> {
  const link = await findLinkByMoodleId(run.ctx.db, 'class', courseId);
  if (link) return link.zoho_id;
  const rows = await run.zoho.coql(`select id from BTEC_Classes where Moodle_Class_ID = '${courseId}' limit 2`);
  if (rows.length > 1) {
    throw new PermanentError('zoho.ambiguous', `Moodle course ${courseId}: several BTEC_Classes records (${rows.map((r) => r.id).join(', ')}) have it as Moodle_Class_ID`);
  }
  let zohoId = rows[0]?.id ?? null;
  if (!zohoId && courseIdnumber && ZOHO_ID.test(courseIdnumber.trim())) {
    const record = await run.zoho.getRecord('BTEC_Classes', courseIdnumber.trim());
    zohoId = record?.id ?? null;
  }
  if (zohoId && !run.dryRun) {
    await saveLink(run.ctx.db, { entity: 'class', zohoId, moodleId: courseId, fingerprint: null, eventId: run.event.id });
  }
  return zohoId;
}
