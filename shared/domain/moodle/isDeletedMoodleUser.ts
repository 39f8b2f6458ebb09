/** Moodle answers a deleted user by id with its e-mail replaced by an MD5 hash: treat it as gone. */
export function isDeletedMoodleUser(user: { email?: string | null | undefined }): boolean {
  return typeof user.email === 'string' && /^[0-9a-f]{32}$/.test(user.email);
}
