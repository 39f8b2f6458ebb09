import { PermanentError } from '../errors.ts';
import type { ZohoLookup } from '../zoho/parseFieldValue.ts';

/**
 * The Zoho student a dashboard record belongs to. Without one the record cannot be shown to
 * anybody: the record is invalid for the dashboard (a permanent failure naming the field, so
 * staff fix it in Zoho and re-queue the event).
 * @throws PermanentError `dashboard.no_student`
 */
export function studentOf(module: string, recordId: string, field: string, student: ZohoLookup | null): string {
  if (!student)
    throw new PermanentError(
      'dashboard.no_student',
      `${module} ${recordId}: ${field} is empty; the dashboard shows a record only to its student`,
    );
  return student.id;
}
