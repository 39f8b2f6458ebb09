import { PermanentError } from '../errors.ts';
import type { ZohoClass } from '../zoho/zohoRecordSchemas.ts';

/** The course a Zoho class should have, before the program and teacher are resolved to Moodle ids. */
export interface DesiredCourse {
  fullname: string;
  /** `Class_Short_Name` (else `Class_Name`); made unique against other courses when applied. */
  shortname: string;
  idnumber: string;
  programZohoId: string;
  teacherZohoId: string | null;
  /** Unix seconds at 00:00 UTC of the Zoho date, or null when Zoho has none. */
  startdate: number | null;
  enddate: number | null;
}

const MOODLE_SHORTNAME_MAX = 255;

/** "2026-01-15" → Unix seconds at 00:00 UTC. */
export function zohoDateToUnix(date: string | null): number | null {
  if (!date) return null;
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 1000;
}

/** Whether a class should be (or stay) a Moodle course, by its `Class_Status`. */
export function classIsCourseReady(cls: ZohoClass, createWhenStatus: readonly string[]): boolean {
  return cls.status !== null && createWhenStatus.includes(cls.status);
}

/**
 * A BTEC_Classes record → its course: fullname = `Class_Name`, idnumber = Zoho id, dates
 * from `Start_Date` / `End_Date`, in the category of `BTEC_Program`.
 * @throws PermanentError naming the record when it has no name, no program, or ends before it starts.
 */
export function mapClassToCourse(cls: ZohoClass): DesiredCourse {
  const where = `BTEC_Classes ${cls.id}`;
  const fullname = cls.name?.trim();
  if (!fullname)
    throw new PermanentError('zoho.missing_field', `${where}: Class_Name is empty; it is the Moodle course name`);
  if (!cls.program)
    throw new PermanentError(
      'zoho.missing_field',
      `${where}: BTEC_Program is empty; the course needs its program's category`,
    );
  const startdate = zohoDateToUnix(cls.startDate);
  const enddate = zohoDateToUnix(cls.endDate);
  if (startdate !== null && enddate !== null && enddate < startdate) {
    throw new PermanentError(
      'zoho.invalid_dates',
      `${where}: End_Date ${cls.endDate} is before Start_Date ${cls.startDate}`,
    );
  }
  return {
    fullname,
    shortname: (cls.shortName?.trim() || fullname).slice(0, MOODLE_SHORTNAME_MAX),
    idnumber: cls.id,
    programZohoId: cls.program.id,
    teacherZohoId: cls.teacher?.id ?? null,
    startdate,
    enddate,
  };
}

/**
 * Shortnames to try, in order, when the desired one belongs to another course: the class's
 * own, then with its Zoho record number (or the end of its id) in brackets.
 */
export function shortnameCandidates(shortname: string, cls: Pick<ZohoClass, 'id' | 'recordNumber'>): string[] {
  const suffix = ` (${cls.recordNumber?.trim() || cls.id.slice(-6)})`;
  const withSuffix = `${shortname.slice(0, MOODLE_SHORTNAME_MAX - suffix.length)}${suffix}`;
  return [shortname, withSuffix, `${shortname.slice(0, MOODLE_SHORTNAME_MAX - cls.id.length - 3)} (${cls.id})`];
}
