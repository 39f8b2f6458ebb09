import { PermanentError } from '../../domain/errors.ts';
import { createCallBatcher, type BatchWindow } from '../createCallBatcher.ts';
import type {
  ManualEnrolment,
  MoodleClient,
  MoodleUserUpdate,
  NewMoodleUser,
  UserLookupField,
} from './createMoodleClient.ts';
import { isolateBatch } from './isolateBatch.ts';
import { MoodleConfigurationError } from './moodleErrors.ts';
import type { MoodleUser } from './moodleSchemas.ts';

/** 100 a call, as the bulk-load issue measured Moodle's batched writes (and a URL stays short for lookups). */
export const MOODLE_BATCH: BatchWindow = { maxItems: 100, idleMs: 15, maxWaitMs: 250 };

/**
 * The Moodle client of the bulk path (worker/bulk/runBulkSync.ts): the same functions, but the
 * user lookups, user creations and updates and the enrolments that many records' flows ask for
 * at about the same time go to Moodle together, 100 a call. Moodle runs a batch in one
 * transaction, so a refused record is isolated (`isolateBatch`) and only its own flow sees the
 * error, exactly the error a call of its own would have given; the others are written. A
 * course's enrolled users are read once (the client lives for one chunk). Everything else goes
 * straight through.
 */
export function createBatchedMoodleClient(moodle: MoodleClient, window: BatchWindow = MOODLE_BATCH): MoodleClient {
  const lookups = new Map<UserLookupField, (values: (string | number)[]) => Promise<MoodleUser[][]>>();
  const lookupBy = (field: UserLookupField) => {
    let batcher = lookups.get(field);
    if (!batcher) {
      batcher = createCallBatcher<string | number, MoodleUser[]>({
        ...window,
        call: (values) => lookUp(moodle, field, values),
      });
      lookups.set(field, batcher);
    }
    return batcher;
  };

  const getUsersByField: MoodleClient['getUsersByField'] = async (field, values) => {
    const found = (await lookupBy(field)(values)).flat();
    // One user can answer two of the caller's values (its id twice): Moodle lists it once.
    return [...new Map(found.map((user) => [user.id, user])).values()].sort((a, b) => a.id - b.id);
  };

  const createUsers = createCallBatcher<NewMoodleUser, { id: number; username: string }>({
    ...window,
    call: async (users) =>
      (await moodle.createUsersIsolated(users)).map((outcome) => (outcome.ok ? outcome.result : outcome.error)),
  });
  const updateUsers = createCallBatcher<MoodleUserUpdate, null>({
    ...window,
    call: async (users) =>
      (
        await isolateBatch(users, async (batch) => {
          await moodle.updateUsers(batch);
          return batch.map(() => null);
        })
      ).map((outcome) => (outcome.ok ? null : outcome.error)),
  });
  const enrolUsers = createCallBatcher<ManualEnrolment, null>({
    ...window,
    call: async (enrolments) =>
      (await moodle.enrolUsersIsolated(enrolments)).map((outcome) => (outcome.ok ? null : outcome.error)),
  });

  // A verify run reads each course's enrolments once for all its records (the chunk's client is new per chunk).
  const enrolled = new Map<string, ReturnType<MoodleClient['getEnrolledUsers']>>();
  const getEnrolledUsers: MoodleClient['getEnrolledUsers'] = (courseId, userfields, options = {}) => {
    const key = JSON.stringify([courseId, userfields ?? null, options.onlyActive ?? false]);
    let users = enrolled.get(key);
    if (!users) {
      users = moodle.getEnrolledUsers(courseId, userfields, options);
      users.catch(() => enrolled.delete(key));
      enrolled.set(key, users);
    }
    return users;
  };

  return {
    ...moodle,
    getEnrolledUsers,
    getUsersByField,
    async findUser(field, value) {
      const users = await getUsersByField(field, [value]);
      if (users.length > 1)
        throw new PermanentError('moodle.ambiguous', `several Moodle users have ${field} ${String(value)}`);
      return users[0] ?? null;
    },
    createUsers,
    createUsersIsolated: async (users) => {
      const settled = await Promise.allSettled(users.map((user) => createUsers([user])));
      return settled.map((outcome, index) =>
        outcome.status === 'fulfilled'
          ? { item: users[index]!, ok: true as const, result: outcome.value[0]! }
          : isolatedFailure(users[index]!, outcome.reason),
      );
    },
    updateUsers: async (users) => {
      await updateUsers(users);
    },
    suspendUser: async (id) => {
      await updateUsers([{ id, suspended: true }]);
    },
    enrolUsers: async (enrolments) => {
      await enrolUsers(enrolments);
    },
    enrolUsersIsolated: async (enrolments) => {
      const settled = await Promise.allSettled(enrolments.map((enrolment) => enrolUsers([enrolment])));
      return settled.map((outcome, index) =>
        outcome.status === 'fulfilled'
          ? { item: enrolments[index]!, ok: true as const, result: null }
          : isolatedFailure(enrolments[index]!, outcome.reason),
      );
    },
  };
}

/** An isolated item's failure as `isolateBatch` reports it; anything but a record's own error propagates. */
function isolatedFailure<I>(item: I, reason: unknown): { item: I; ok: false; error: PermanentError } {
  if (!(reason instanceof PermanentError) || reason instanceof MoodleConfigurationError) throw reason;
  return { item, ok: false, error: reason };
}

/**
 * The users of each value, from one `core_user_get_users_by_field` call for all of them. Moodle
 * refuses the whole call for one value it cannot clean (an e-mail or username of the wrong
 * shape): then each value is asked alone, so only its own caller sees that error.
 */
async function lookUp(
  moodle: MoodleClient,
  field: UserLookupField,
  values: (string | number)[],
): Promise<(MoodleUser[] | Error)[]> {
  const distinct = [...new Set(values)];
  let users: MoodleUser[];
  try {
    users = await moodle.getUsersByField(field, distinct);
  } catch (error) {
    if (distinct.length === 1 || !(error instanceof PermanentError) || error instanceof MoodleConfigurationError)
      throw error;
    const alone = new Map<string | number, MoodleUser[] | Error>();
    for (const value of distinct) {
      alone.set(
        value,
        await moodle.getUsersByField(field, [value]).catch((failure: unknown) => {
          if (!(failure instanceof PermanentError) || failure instanceof MoodleConfigurationError) throw failure;
          return failure;
        }),
      );
    }
    return values.map((value) => alone.get(value)!);
  }
  return values.map((value) => users.filter((user) => matches(user, field, value)));
}

/**
 * Whether Moodle gave `user` for `value`. E-mails and usernames compare without case: Moodle
 * stores usernames in lower case, and a site on MySQL matches e-mails without case too.
 */
function matches(user: MoodleUser, field: UserLookupField, value: string | number): boolean {
  if (field === 'id') return user.id === Number(value);
  const own = user[field];
  if (own === undefined) return false;
  return field === 'idnumber' ? own === String(value) : own.toLowerCase() === String(value).toLowerCase();
}
