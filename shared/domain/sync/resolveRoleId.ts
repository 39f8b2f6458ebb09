import { PermanentError } from '../errors.ts';

/** Role ids of Moodle's standard roles (lib/db/install.php creates them in this order on every site). */
export const STANDARD_ROLE_IDS: Readonly<Record<string, number>> = {
  manager: 1,
  coursecreator: 2,
  editingteacher: 3,
  teacher: 4,
  student: 5,
  guest: 6,
  user: 7,
  frontpage: 8,
};

/**
 * A `moodle.roles` entry → role id: a number is taken as it is; a standard shortname maps to
 * its standard id. Moodle's web services offer no call that lists roles, so a custom role
 * must be given by id.
 * @throws PermanentError `settings.invalid` naming the setting.
 */
export function resolveRoleId(setting: string, value: string | number): number {
  if (typeof value === 'number') return value;
  if (/^[1-9]\d{0,8}$/.test(value)) return Number(value);
  // Own keys only: "constructor", "toString"… are inherited by every object, and no role.
  const id = Object.hasOwn(STANDARD_ROLE_IDS, value) ? STANDARD_ROLE_IDS[value] : undefined;
  if (id === undefined) {
    throw new PermanentError(
      'settings.invalid',
      `app_settings moodle.roles.${setting} = "${value}" is not a standard Moodle role shortname: give the role's numeric id instead (Site administration > Users > Define roles)`,
    );
  }
  return id;
}

/** Whether an enrolled user's role is the `moodle.roles` entry's: by its id, or by its shortname when the setting names one. */
export function roleMatcher(
  setting: string,
  value: string | number,
): (role: { roleid: number; shortname?: string }) => boolean {
  const id = resolveRoleId(setting, value);
  return (role) => role.roleid === id || (typeof value === 'string' && role.shortname === value);
}
