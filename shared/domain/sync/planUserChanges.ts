import type { DesiredMoodleUser } from './mapPersonToMoodleUser.ts';

export type MoodleUserChanges = Partial<
  Pick<DesiredMoodleUser, 'username' | 'email' | 'firstname' | 'lastname' | 'idnumber' | 'suspended'>
> & {
  city?: string;
  country?: string;
};

/** The fields of a Moodle account (core_user_get_users_by_field) this plan compares. */
export interface ExistingMoodleUser {
  username: string;
  firstname?: string | undefined;
  lastname?: string | undefined;
  email?: string | undefined;
  idnumber?: string | undefined;
  suspended?: boolean | undefined;
  city?: string | undefined;
  country?: string | undefined;
}

/**
 * What must change on an existing Moodle account to match the desired one: only the
 * fields that differ (an empty object = nothing to write). Null desired values (no city
 * or no known country in Zoho) leave Moodle's value alone.
 */
export function planUserChanges(existing: ExistingMoodleUser, desired: DesiredMoodleUser): MoodleUserChanges {
  const changes: MoodleUserChanges = {};
  if (existing.username !== desired.username) changes.username = desired.username;
  if ((existing.email ?? '').toLowerCase() !== desired.email) changes.email = desired.email;
  if ((existing.firstname ?? '') !== desired.firstname) changes.firstname = desired.firstname;
  if ((existing.lastname ?? '') !== desired.lastname) changes.lastname = desired.lastname;
  if ((existing.idnumber ?? '') !== desired.idnumber) changes.idnumber = desired.idnumber;
  if (desired.city !== null && (existing.city ?? '') !== desired.city) changes.city = desired.city;
  if (desired.country !== null && (existing.country ?? '') !== desired.country) changes.country = desired.country;
  if ((existing.suspended ?? false) !== desired.suspended) changes.suspended = desired.suspended;
  return changes;
}
