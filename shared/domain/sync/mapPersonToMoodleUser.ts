import { PermanentError } from '../errors.ts';
import type { ZohoStudent, ZohoTeacher } from '../zoho/zohoRecordSchemas.ts';
import { countryCode } from './countryCode.ts';
import { splitFullName } from './splitFullName.ts';
import { ZOHO_FIELD_MAPPINGS } from '../zoho/fieldMappings.ts';
import { createZohoFieldNames, type ZohoFieldNames } from '../zoho/zohoFieldNames.ts';

/** The Moodle account a Zoho student or teacher should have (the canonical model). */
export interface DesiredMoodleUser {
  username: string;
  email: string;
  firstname: string;
  lastname: string;
  /** The Zoho record id: how Moodle users are found again, whatever else changes. */
  idnumber: string;
  /** null: Zoho has none, Moodle's value is left alone. */
  city: string | null;
  /** ISO alpha-2; null when Zoho's country is empty or unknown (Moodle's value is then left alone). */
  country: string | null;
  suspended: boolean;
  /** Zoho's country when it could not be turned into a code (reported, not written). */
  unknownCountry: string | null;
}

/** Moodle's PARAM_USERNAME without "extended characters": lower-case letters, digits and - . @ _ */
// Error messages name the org's own field names (the caller passes the client's); the shipped mapping otherwise.
const DEFAULT_FIELD_NAMES = createZohoFieldNames(ZOHO_FIELD_MAPPINGS);
const MOODLE_USERNAME = /^[-.@_a-z0-9]+$/;
const MOODLE_NAME_MAX = 100;

function accountEmail(module: string, recordId: string, field: string, email: string | null): string {
  if (!email)
    throw new PermanentError(
      'zoho.missing_email',
      `${module} ${recordId}: ${field} is empty; the Moodle account needs it as username and e-mail`,
    );
  const username = email.trim().toLowerCase();
  if (!MOODLE_USERNAME.test(username) || username.length > MOODLE_NAME_MAX) {
    throw new PermanentError(
      'zoho.invalid_email',
      `${module} ${recordId}: ${field} cannot be a Moodle username (only a-z 0-9 - . @ _ and at most 100 characters)`,
    );
  }
  return username;
}

function names(module: string, recordId: string, first: string | null, last: string | null, full: string | null) {
  let firstname = first?.trim() ?? '';
  let lastname = last?.trim() ?? '';
  if (!firstname || !lastname) {
    const split = splitFullName(full ?? [first, last].filter(Boolean).join(' '));
    firstname ||= split.firstname;
    lastname ||= firstname === split.firstname ? split.lastname : split.firstname;
  }
  if (!firstname)
    throw new PermanentError(
      'zoho.missing_name',
      `${module} ${recordId}: no name (First_Name, Last_Name or the full name) to give the Moodle account`,
    );
  return { firstname: firstname.slice(0, MOODLE_NAME_MAX), lastname: (lastname || '-').slice(0, MOODLE_NAME_MAX) };
}

/**
 * A BTEC_Students record → its Moodle account: username = academic e-mail lower-cased,
 * idnumber = Zoho id, suspended when `Status` is one of `suspendWhenStatus`.
 * @throws PermanentError naming the record when the academic e-mail is missing or unusable.
 */
export function mapStudentToMoodleUser(
  student: ZohoStudent,
  options: { suspendWhenStatus: readonly string[]; fields?: ZohoFieldNames },
): DesiredMoodleUser {
  const fields = options.fields ?? DEFAULT_FIELD_NAMES;
  const username = accountEmail(
    'BTEC_Students',
    student.id,
    fields.name('BTEC_Students', 'academicEmail'),
    student.academicEmail,
  );
  const country = countryCode(student.country);
  return {
    username,
    email: username,
    ...names('BTEC_Students', student.id, student.firstName, student.lastName, student.displayName),
    idnumber: student.id,
    city: student.city?.trim().slice(0, 120) || null,
    country,
    suspended: student.status !== null && options.suspendWhenStatus.includes(student.status),
    unknownCountry: student.country && !country ? student.country : null,
  };
}

/**
 * A BTEC_Teachers record → its Moodle account: the academic e-mail (else the e-mail) as
 * username, `Name` split into first and last name. Teachers have no status in Zoho: only a
 * Zoho delete suspends them.
 */
export function mapTeacherToMoodleUser(
  teacher: ZohoTeacher,
  fields: ZohoFieldNames = DEFAULT_FIELD_NAMES,
): DesiredMoodleUser {
  const emailFields = `${fields.name('BTEC_Teachers', 'academicEmail')} (or ${fields.name('BTEC_Teachers', 'email')})`;
  const username = accountEmail('BTEC_Teachers', teacher.id, emailFields, teacher.academicEmail ?? teacher.email);
  return {
    username,
    email: username,
    ...names('BTEC_Teachers', teacher.id, null, null, teacher.name),
    idnumber: teacher.id,
    city: null,
    country: null,
    suspended: false,
    unknownCountry: null,
  };
}
