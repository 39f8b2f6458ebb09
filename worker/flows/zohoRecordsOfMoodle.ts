import { coqlString } from '../../shared/clients/zoho/createZohoClient.ts';
import { findLinkByMoodleId, getLink } from '../../shared/db/queries/syncLinks.ts';
import { PermanentError } from '../../shared/domain/errors.ts';
import type { SyncStep } from '../../shared/domain/sync/syncPlan.ts';
import type { FlowIO } from '../pipeline/flow.ts';

const ZOHO_ID = /^\d{5,25}$/;

/**
 * The Zoho student of a Moodle user as read: linked already, or found in Zoho (and then to be
 * linked, and given `Student_Moodle_ID` when Zoho lacks it), or a conflict a person must resolve.
 */
export type StudentMatch =
  { zohoId: string; linked: true } | { zohoId: string; linked: false; moodleIdInZoho: unknown } | { conflict: string };

/**
 * Reads the Zoho student of a Moodle user: the link first, then COQL on `Student_Moodle_ID`,
 * then on `Academic_Email` (COQL matches exactly and has no index lag, unlike search). Writes
 * nothing: `planStudentLink` says what to write. Null when no Zoho student is that user.
 */
export async function readZohoStudentOf(
  io: FlowIO,
  moodleUserId: number,
  email: string | null,
): Promise<StudentMatch | null> {
  const link = await findLinkByMoodleId(io.db, 'student', moodleUserId);
  if (link) return { zohoId: link.zoho_id, linked: true };
  const f = io.zoho.fields;
  const moodleIdField = f.name('BTEC_Students', 'moodleId');
  let rows = await io.zoho.coql(
    `select id, ${moodleIdField} from BTEC_Students where ${moodleIdField} = '${moodleUserId}' limit 2`,
  );
  const address = email?.trim().toLowerCase();
  const byEmail = rows.length === 0 && !!address && address.includes('@');
  if (byEmail) {
    rows = await io.zoho.coql(
      `select id, ${moodleIdField} from BTEC_Students where ${f.name('BTEC_Students', 'academicEmail')} = ${coqlString(address)} limit 2`,
    );
  }
  if (rows.length > 1) {
    return {
      conflict: `Moodle user ${moodleUserId}: several BTEC_Students records (${rows.map((r) => r.id).join(', ')}) match it; merge them in Zoho`,
    };
  }
  const [row] = rows;
  if (!row) return null;
  // Found by e-mail only: a student Zoho (or our link) already gives another Moodle account is
  // not this user's; re-pointing it would move their dashboard data to this account.
  const held = row[moodleIdField];
  const claimed = typeof held === 'string' ? held.trim() : '';
  const linked = byEmail ? await getLink(io.db, 'student', row.id) : null;
  const other = !byEmail
    ? null
    : claimed !== '' && claimed !== String(moodleUserId)
      ? claimed
      : linked && linked.moodle_id !== moodleUserId
        ? String(linked.moodle_id)
        : null;
  if (other !== null) {
    return {
      conflict: `Moodle user ${moodleUserId}: BTEC_Students ${row.id} has its e-mail but belongs to Moodle user ${other}; merge the two Moodle accounts or correct ${moodleIdField}`,
    };
  }
  return { zohoId: row.id, linked: false, moodleIdInZoho: held };
}

/**
 * The Zoho student id of a match, and the steps that link a student found in Zoho: the link,
 * and `Student_Moodle_ID` when Zoho does not hold this user's id. Pure.
 * @throws PermanentError `zoho.ambiguous` / `zoho.conflict` for a match a person must resolve.
 */
export function planStudentLink(
  match: StudentMatch | null,
  moodleUserId: number,
): { studentZohoId: string | null; steps: SyncStep[] } {
  if (!match) return { studentZohoId: null, steps: [] };
  if ('conflict' in match) {
    throw new PermanentError(match.conflict.includes('several') ? 'zoho.ambiguous' : 'zoho.conflict', match.conflict);
  }
  if (match.linked) return { studentZohoId: match.zohoId, steps: [] };
  const steps: SyncStep[] = [
    { op: 'link.save', entity: 'student', zohoId: match.zohoId, moodleId: moodleUserId, fingerprint: null },
  ];
  if (match.moodleIdInZoho !== String(moodleUserId)) {
    steps.push({
      op: 'zoho.update',
      module: 'BTEC_Students',
      recordId: match.zohoId,
      values: { moodleId: String(moodleUserId) },
    });
  }
  return { studentZohoId: match.zohoId, steps };
}

/** The Zoho class of a Moodle course as read: linked already, found in Zoho (to be linked), or ambiguous. */
export type ClassMatch = { zohoId: string; linked: boolean } | { conflict: string };

/**
 * Reads the Zoho class of a Moodle course: the link, then COQL on `Moodle_Class_ID`, then the
 * course's idnumber when it is a Zoho class id. Never by name (names repeat and change).
 */
export async function readZohoClassOf(
  io: FlowIO,
  courseId: number,
  courseIdnumber: string | null,
): Promise<ClassMatch | null> {
  const link = await findLinkByMoodleId(io.db, 'class', courseId);
  if (link) return { zohoId: link.zoho_id, linked: true };
  const classIdField = io.zoho.fields.name('BTEC_Classes', 'moodleClassId');
  const rows = await io.zoho.coql(`select id from BTEC_Classes where ${classIdField} = '${courseId}' limit 2`);
  if (rows.length > 1) {
    return {
      conflict: `Moodle course ${courseId}: several BTEC_Classes records (${rows.map((r) => r.id).join(', ')}) have it as ${classIdField}`,
    };
  }
  let zohoId = rows[0]?.id ?? null;
  if (!zohoId && courseIdnumber && ZOHO_ID.test(courseIdnumber.trim())) {
    zohoId = (await io.zoho.getRecord('BTEC_Classes', courseIdnumber.trim()))?.id ?? null;
  }
  return zohoId ? { zohoId, linked: false } : null;
}

/** The Zoho class id of a match, and the link to save for a class found in Zoho. Pure. @throws PermanentError `zoho.ambiguous`. */
export function planClassLink(
  match: ClassMatch | null,
  courseId: number,
): { classZohoId: string | null; steps: SyncStep[] } {
  if (!match) return { classZohoId: null, steps: [] };
  if ('conflict' in match) throw new PermanentError('zoho.ambiguous', match.conflict);
  if (match.linked) return { classZohoId: match.zohoId, steps: [] };
  return {
    classZohoId: match.zohoId,
    steps: [{ op: 'link.save', entity: 'class', zohoId: match.zohoId, moodleId: courseId, fingerprint: null }],
  };
}
