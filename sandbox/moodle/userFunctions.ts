import { createHash } from 'node:crypto';
import { checkPasswordPolicy } from './checkPasswordPolicy.ts';
import { formatUser } from './formatUser.ts';
import { CORE_VERSION, type CallContext, type MoodleFunction } from './MoodleFunction.ts';
import { dmlMissingRecord, dmlWriteError, invalidParameter, moodleError } from './MoodleException.ts';
import {
  blankUser,
  CONTEXT_USER,
  ensureContext,
  isSiteAdmin,
  takeId,
  type MoodleState,
  type MoodleUser,
} from './moodleState.ts';
import { withItemTransaction } from './transactions.ts';
import {
  INSTALLED_AUTHS,
  INSTALLED_THEMES,
  multiple,
  single,
  validateEmail,
  value,
  type ParamDesc,
} from './validateParameters.ts';

/** The profile fields both create_users and update_users take (after username … email). */
const profileFields = (): Record<string, ParamDesc> => ({
  maildisplay: value('int', 'optional'),
  city: value('notags', 'optional'),
  country: value('alpha', 'optional'),
  timezone: value('timezone', 'optional'),
  description: value('raw', 'optional'),
});
const moreFields = (idnumber: ParamDesc, lang: ParamDesc): Record<string, ParamDesc> => ({
  firstnamephonetic: value('notags', 'optional'),
  lastnamephonetic: value('notags', 'optional'),
  middlename: value('notags', 'optional'),
  alternatename: value('notags', 'optional'),
  interests: value('text', 'optional'),
  idnumber,
  institution: value('text', 'optional'),
  department: value('text', 'optional'),
  phone1: value('notags', 'optional'),
  phone2: value('notags', 'optional'),
  address: value('text', 'optional'),
  lang,
  calendartype: value('plugin', 'optional'),
  theme: value('plugin', 'optional'),
  mailformat: value('int', 'optional'),
  customfields: multiple(single({ type: value('alphanumext'), value: value('raw') }), 'optional'),
  preferences: multiple(single({ type: value('raw'), value: value('raw') }), 'optional'),
});

/** Fields copied from the parameters onto the user row. */
const STORED = [
  'firstname',
  'lastname',
  'email',
  'idnumber',
  'institution',
  'department',
  'phone1',
  'phone2',
  'address',
  'city',
  'country',
  'lang',
  'theme',
  'timezone',
  'mailformat',
  'maildisplay',
  'description',
  'auth',
  'username',
  'suspended',
] as const;

type UserInput = Partial<Record<(typeof STORED)[number] | 'password' | 'createpassword', string | number | boolean>>;

function copyFields(user: MoodleUser, input: UserInput): void {
  for (const key of STORED) {
    if (input[key] !== undefined) (user as unknown as Record<string, unknown>)[key] = input[key];
  }
}

function emailTaken(state: MoodleState, email: string, exceptId?: number): boolean {
  return (
    !state.config.allowAccountsSameEmail &&
    state.users.some((u) => u.id !== exceptId && u.email.toLowerCase() === email.toLowerCase())
  );
}

/**
 * core_user_create_users' checks for one user, then user_create_user(). In a batch the users
 * are created one by one inside one transaction, so a bad user anywhere fails the whole call.
 * @throws MoodleException
 */
export function createUser(
  ctx: Pick<CallContext, 'state' | 'now'>,
  input: UserInput & { username: string; firstname: string; lastname: string; email: string },
): MoodleUser {
  const { state } = ctx;
  for (const field of ['username', 'firstname', 'lastname'] as const) {
    if (input[field].trim() === '') throw invalidParameter(`The field ${field} cannot be blank`);
  }
  if (state.users.some((u) => u.username === input.username))
    throw invalidParameter(`Username already exists: ${input.username}`);
  const auth = String(input.auth ?? 'manual');
  if (!INSTALLED_AUTHS.includes(auth)) throw invalidParameter(`Invalid authentication type: ${auth}`);
  if (input.theme && !INSTALLED_THEMES.includes(String(input.theme)))
    throw invalidParameter(`Invalid theme: ${String(input.theme)}`);
  if (!input.password && !input.createpassword)
    throw invalidParameter('Invalid password: you must provide a password, or set createpassword.');
  if (!validateEmail(input.email)) throw invalidParameter(`Email address is invalid: ${input.email}`);
  if (emailTaken(state, input.email)) throw invalidParameter(`Email address already exists: ${input.email}`);
  const password = input.createpassword ? '' : String(input.password ?? '');
  if (password !== '') {
    const failures = checkPasswordPolicy(password);
    if (failures !== '') throw moodleError(failures);
  }
  const user = blankUser(takeId(state, 'user'), { password }, ctx.now);
  copyFields(user, input);
  state.users.push(user);
  ensureContext(state, CONTEXT_USER, user.id);
  return user;
}

/**
 * delete_user(): the row stays with deleted=1, username `<old email>.<time>`, email the md5
 * of the old username, idnumber ''; enrolments, role assignments and cohort memberships go.
 */
export function deleteUser(state: MoodleState, user: MoodleUser, now: number): void {
  let username = `${user.email}.${now}`.toLowerCase().replace(/[^-.@_a-z0-9]/g, '');
  while (state.users.some((u) => u.username === username))
    username = username.replace(/([0-9]+)$/, (n) => String(Number(n) + 1));
  user.email = createHash('md5').update(user.username).digest('hex');
  user.username = username;
  user.idnumber = '';
  user.deleted = true;
  user.timemodified = now;
  state.enrolments = state.enrolments.filter((e) => e.userid !== user.id);
  state.roleAssignments = state.roleAssignments.filter((ra) => ra.userid !== user.id);
  state.cohortMembers = state.cohortMembers.filter((m) => m.userid !== user.id);
}

/** PHP's (int) cast of a string, as clean_param(PARAM_INT) does. */
function phpIntval(text: string): number {
  const match = /^\s*([+-]?[0-9]+)/.exec(text);
  return match ? Number(match[1]) : 0;
}

/** SQL LIKE (case-insensitive, `%` and `_` wildcards, `\` escapes), as $DB->sql_like(…, false). */
function sqlLike(text: string, pattern: string): boolean {
  let regex = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && i + 1 < pattern.length) regex += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (ch === '%') regex += '.*';
    else if (ch === '_') regex += '.';
    else regex += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${regex}$`, 'is').test(text);
}

export const userFunctions: MoodleFunction[] = [
  {
    name: 'core_user_create_users',
    version: CORE_VERSION,
    params: {
      users: multiple(
        single({
          createpassword: value('bool', 'optional'),
          username: value('username'),
          auth: value('plugin', { default: 'manual' }),
          password: value('raw', 'optional'),
          firstname: value('notags'),
          lastname: value('notags'),
          email: value('raw_trimmed'),
          ...profileFields(),
          ...moreFields(value('raw', { default: '' }), value('lang', { default: 'en' })),
        }),
      ),
    },
    run(ctx, params) {
      const users = params.users as Parameters<typeof createUser>[1][];
      return users.map((input) => createUser(ctx, input)).map((user) => ({ id: user.id, username: user.username }));
    },
  },
  {
    name: 'core_user_update_users',
    version: CORE_VERSION,
    params: {
      users: multiple(
        single({
          id: value('int'),
          username: value('username', 'optional'),
          auth: value('plugin', 'optional'),
          suspended: value('bool', 'optional'),
          password: value('raw', 'optional'),
          firstname: value('notags', 'optional'),
          lastname: value('notags', 'optional'),
          email: value('raw_trimmed', 'optional'),
          ...profileFields(),
          userpicture: value('int', 'optional'),
          ...moreFields(value('raw', 'optional'), value('lang', 'optional')),
        }),
      ),
    },
    run(ctx, params) {
      const warnings: unknown[] = [];
      for (const input of params.users as (UserInput & { id: number })[]) {
        withItemTransaction(
          ctx.state,
          () => updateUser(ctx, input),
          (error) => {
            warnings.push({ item: 'user', itemid: input.id, warningcode: error.errorcode, message: error.message });
          },
        );
      }
      return { warnings };
    },
  },
  {
    name: 'core_user_get_users_by_field',
    version: CORE_VERSION,
    params: { field: value('alpha'), values: multiple(value('raw')) },
    run(ctx, params) {
      const field = params.field as string;
      if (!['id', 'idnumber', 'username', 'email'].includes(field)) {
        throw invalidParameter(`The search field '${field}' is not supported, look at the web service documentation`);
      }
      const values = (params.values as string[]).map((v) =>
        field === 'id' ? phpIntval(v) : field === 'email' && !validateEmail(v) ? '' : v,
      );
      return ctx.state.users
        .filter((user) => values.includes(user[field as 'id' | 'idnumber' | 'username' | 'email']))
        .sort((a, b) => a.id - b.id)
        .map((user) => formatUser(user, ctx))
        .filter((details) => Boolean(details[field]));
    },
  },
  {
    name: 'core_user_get_users',
    version: CORE_VERSION,
    params: { criteria: multiple(single({ key: value('alpha'), value: value('raw') })) },
    run(ctx, params) {
      const warnings: unknown[] = [];
      const used = new Set<string>();
      const tests: ((u: MoodleUser) => boolean)[] = [];
      for (const { key, value: raw } of params.criteria as { key: string; value: string }[]) {
        if (used.has(key)) throw moodleError('keyalreadyset', undefined, `The key ${key} can only be sent once`);
        used.add(key);
        if (key === 'id') tests.push((u) => u.id === phpIntval(raw));
        else if (key === 'idnumber' || key === 'username' || key === 'auth') tests.push((u) => u[key] === raw);
        else if (key === 'email' || key === 'firstname' || key === 'lastname') tests.push((u) => sqlLike(u[key], raw));
        else
          warnings.push({
            item: key,
            warningcode: 'invalidfieldparameter',
            message: `The search key '${key}' is not supported, look at the web service documentation`,
          });
      }
      const users = ctx.state.users
        .filter((u) => !u.deleted && tests.every((test) => test(u)))
        .sort((a, b) => a.id - b.id)
        .map((u) => formatUser(u, ctx));
      return { users, warnings };
    },
  },
  {
    name: 'core_user_delete_users',
    version: CORE_VERSION,
    params: { userids: multiple(value('int')) },
    run(ctx, params) {
      for (const id of params.userids as number[]) {
        const user = ctx.state.users.find((u) => u.id === id && !u.deleted);
        if (!user) throw dmlMissingRecord('user', 'SELECT * FROM {user} WHERE id = ? AND deleted = ?', [id, 0]);
        if (isSiteAdmin(ctx.state, user.id))
          throw moodleError('useradminodelete', 'Administrator accounts cannot be deleted.');
        if (user.id === ctx.userid) throw moodleError('usernotdeletederror', 'User not deleted - error');
        if (user.id !== 1) deleteUser(ctx.state, user, ctx.now);
      }
      return null;
    },
  },
];

/** One user of core_user_update_users; a MoodleException becomes that user's warning. */
function updateUser(ctx: CallContext, input: UserInput & { id: number }): void {
  const { state } = ctx;
  const user = state.users.find((u) => u.id === input.id);
  if (!user) throw moodleError('invaliduserid', 'Invalid user ID');
  if (user.id !== ctx.userid && isSiteAdmin(state, user.id) && !isSiteAdmin(state, ctx.userid))
    throw moodleError('usernotupdatedadmin', 'Cannot update admin accounts');
  if (user.deleted) throw moodleError('usernotupdateddeleted', 'User is a deleted user');
  if (user.id === 1) throw moodleError('usernotupdatedguest', 'Cannot update guest account');
  if (input.email !== undefined && input.email !== user.email) {
    if (!validateEmail(String(input.email))) throw moodleError('useremailinvalid', 'Invalid email address');
    if (emailTaken(state, String(input.email), user.id)) throw moodleError('useremailduplicate', 'Duplicate address');
  }
  if (input.username !== undefined && state.users.some((u) => u.id !== user.id && u.username === input.username)) {
    throw dmlWriteError(
      `ERROR:  duplicate key value violates unique constraint "mdl_user_mneuse_uix"\nDETAIL:  Key (mnethostid, username)=(1, ${String(input.username)}) already exists.`,
    );
  }
  if (input.password !== undefined) {
    const failures = checkPasswordPolicy(String(input.password));
    if (failures !== '') throw moodleError(failures);
    user.password = String(input.password);
  }
  copyFields(user, input);
  user.timemodified = ctx.now;
}
