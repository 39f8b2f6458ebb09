import type { MoodleClient } from '../../../shared/clients/moodle/createMoodleClient.ts';
import type { MoodleUser } from '../../../shared/clients/moodle/moodleSchemas.ts';
import { PermanentError } from '../../../shared/domain/errors.ts';
import type { EntityResult } from './zohoSyncRun.ts';

/** Moodle answers a deleted user by id with its e-mail replaced by an MD5 hash: treat it as gone. */
export function isDeletedMoodleUser(user: MoodleUser): boolean {
  return typeof user.email === 'string' && /^[0-9a-f]{32}$/.test(user.email);
}

export interface UserLookup {
  zohoId: string;
  username: string;
  email: string;
  /** The Moodle id the link remembers. */
  linkedId: number | null;
  /** `Student_Moodle_ID` / `Teacher_Moodle_ID` as Zoho holds it (set by the predecessor or by us). */
  zohoMoodleId: string | null;
  /** For messages: "BTEC_Students 123". */
  label: string;
}

/**
 * The Moodle account of a Zoho person, found the way that never duplicates: the link, then
 * idnumber = Zoho id, then the id Zoho remembers, then the e-mail and the username. An
 * account found by e-mail or username is adopted only when its idnumber is empty; one that
 * belongs to another Zoho record is a conflict for a person to resolve.
 * @throws PermanentError `moodle.conflict` naming both records.
 */
export async function findMoodleUser(
  moodle: MoodleClient,
  lookup: UserLookup,
): Promise<{ user: MoodleUser; linkedBy: EntityResult['linkedBy'] | 'link' } | null> {
  const byId = async (id: number) => {
    const [user] = await moodle.getUsersByField('id', [id]);
    return user && !isDeletedMoodleUser(user) ? user : null;
  };
  if (lookup.linkedId !== null) {
    const user = await byId(lookup.linkedId);
    if (user && (user.idnumber ?? '') === lookup.zohoId) return { user, linkedBy: 'link' };
  }
  const byIdnumber = await moodle.findUser('idnumber', lookup.zohoId);
  if (byIdnumber) return { user: byIdnumber, linkedBy: 'idnumber' };

  const adoptable = (user: MoodleUser | null, how: string) => {
    if (!user) return null;
    if (!user.idnumber || user.idnumber === lookup.zohoId) return user;
    throw new PermanentError(
      'moodle.conflict',
      `${lookup.label}: Moodle user ${user.id} (found by ${how}) already belongs to Zoho record ${user.idnumber}; fix the duplicate in Zoho or clear that user's ID number in Moodle`,
    );
  };
  if (lookup.zohoMoodleId && /^[1-9]\d{0,14}$/.test(lookup.zohoMoodleId.trim())) {
    const user = adoptable(await byId(Number(lookup.zohoMoodleId.trim())), 'the Moodle id in Zoho');
    // Only when it is the same person: an old id may point at someone else by now.
    if (user && (user.email ?? '').toLowerCase() === lookup.email) return { user, linkedBy: 'zoho_moodle_id' };
  }
  const byEmail = adoptable(await moodle.findUser('email', lookup.email), 'e-mail');
  if (byEmail) return { user: byEmail, linkedBy: 'email' };
  const byUsername = adoptable(await moodle.findUser('username', lookup.username), 'username');
  if (byUsername) return { user: byUsername, linkedBy: 'username' };
  return null;
}
