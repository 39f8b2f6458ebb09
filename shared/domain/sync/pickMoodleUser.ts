import { PermanentError } from '../errors.ts';

/** A Moodle account as a lookup answers it (the fields the choice needs). */
export interface MoodleUserCandidate {
  id: number;
  idnumber?: string | null | undefined;
  email?: string | null | undefined;
}

/** How a candidate was looked up, in the order the lookups are made. */
export type UserLookupWay = 'link' | 'idnumber' | 'zoho_moodle_id' | 'email' | 'username';

export interface UserLookup {
  zohoId: string;
  /** The desired e-mail (lower case): an account named by the Moodle id in Zoho is adopted only when it is the same person. */
  email: string;
  /** For messages: "BTEC_Students 123". */
  label: string;
}

export type UserPick<U> = { user: U; linkedBy: UserLookupWay } | null;

const HOW: Record<UserLookupWay, string> = {
  link: 'the link',
  idnumber: 'ID number',
  zoho_moodle_id: 'the Moodle id in Zoho',
  email: 'e-mail',
  username: 'username',
};

/**
 * The Moodle account of a Zoho person, from the lookups made so far (in order: the link, then
 * idnumber = Zoho id, then the id Zoho remembers, then the e-mail and the username), chosen the
 * way that never duplicates. An account found by the id in Zoho, the e-mail or the username is
 * adopted only when its idnumber is empty; one that belongs to another Zoho record is a conflict
 * for a person to resolve. `undefined`: not decided yet, the next lookup is needed.
 * @throws PermanentError `moodle.conflict` naming both records.
 */
export function pickMoodleUser<U extends MoodleUserCandidate>(
  lookups: { way: UserLookupWay; user: U | null }[],
  lookup: UserLookup,
  { complete }: { complete: boolean },
): UserPick<U> | undefined {
  for (const { way, user } of lookups) {
    if (!user) continue;
    const idnumber = user.idnumber ?? '';
    if (way === 'link') {
      if (idnumber === lookup.zohoId) return { user, linkedBy: way };
      continue;
    }
    if (way === 'idnumber') return { user, linkedBy: way };
    if (idnumber && idnumber !== lookup.zohoId) {
      throw new PermanentError(
        'moodle.conflict',
        `${lookup.label}: Moodle user ${user.id} (found by ${HOW[way]}) already belongs to Zoho record ${idnumber}; fix the duplicate in Zoho or clear that user's ID number in Moodle`,
      );
    }
    // An old id in Zoho may point at someone else by now: only the same person is adopted.
    if (way === 'zoho_moodle_id' && (user.email ?? '').toLowerCase() !== lookup.email) continue;
    return { user, linkedBy: way };
  }
  return complete ? null : undefined;
}
