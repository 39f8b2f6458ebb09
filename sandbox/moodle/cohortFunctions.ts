import { CORE_VERSION, type CallContext, type MoodleFunction } from './MoodleFunction.ts';
import { dmlMissingRecord, invalidParameter } from './MoodleException.ts';
import { CONTEXT_COURSECAT, ensureContext, takeId, type MoodleCohort, type MoodleState } from './moodleState.ts';
import { multiple, single, value } from './validateParameters.ts';

export interface CohortInput {
  categorytype: { type: string; value: string };
  name: string;
  idnumber: string;
  description?: string;
  descriptionformat?: number;
  visible?: boolean;
  theme?: string;
}

/**
 * core_cohort_create_cohorts for one cohort: system or a category (by id or idnumber) as
 * context, a unique idnumber (else invalidparameter, "record already exists" in debuginfo).
 * @throws MoodleException
 */
export function createCohort(ctx: Pick<CallContext, 'state' | 'now'>, input: CohortInput): MoodleCohort {
  const { state } = ctx;
  const { type, value: raw } = input.categorytype;
  if (!['idnumber', 'id', 'system'].includes(type))
    throw invalidParameter(`category type must be id, idnumber or system:${type}`);
  let contextid = 1;
  if (type !== 'system') {
    const category = state.categories.find((c) => (type === 'id' ? String(c.id) === raw : c.idnumber === raw));
    if (!category) throw invalidParameter(`category not exists: category ${type} = ${raw}`);
    contextid = ensureContext(state, CONTEXT_COURSECAT, category.id).id;
  }
  if (state.cohorts.some((c) => c.idnumber === input.idnumber))
    throw invalidParameter(`record already exists: idnumber=${input.idnumber}`);
  const cohort: MoodleCohort = {
    id: takeId(state, 'cohort'),
    contextid,
    name: input.name,
    idnumber: input.idnumber,
    description: input.description ?? '',
    descriptionformat: input.descriptionformat ?? 1,
    visible: input.visible ?? true,
    theme: '',
    timecreated: ctx.now,
    timemodified: ctx.now,
  };
  state.cohorts.push(cohort);
  return cohort;
}

/** cohort_add_member() (no check: callers look for an existing membership first). */
export function addCohortMember(state: MoodleState, cohortid: number, userid: number, now: number): void {
  if (!state.cohortMembers.some((m) => m.cohortid === cohortid && m.userid === userid))
    state.cohortMembers.push({ cohortid, userid, timeadded: now });
}

const formatCohort = (c: MoodleCohort) => ({
  id: c.id,
  name: c.name,
  idnumber: c.idnumber,
  description: c.description,
  descriptionformat: c.descriptionformat,
  visible: c.visible,
  theme: c.theme,
});

type Member = { cohorttype: { type: string; value: string }; usertype: { type: string; value: string } };

/** One member of core_cohort_add_cohort_members: a warning text, or null when added. */
function addMember(
  ctx: CallContext,
  { cohorttype, usertype }: Member,
): { warningcode: string; message: string } | null {
  const { state } = ctx;
  if (cohorttype.type !== 'id' && cohorttype.type !== 'idnumber')
    return { warningcode: '1', message: `invalid parameter: cohortype=${cohorttype.type}` };
  if (!['id', 'idnumber', 'username'].includes(usertype.type))
    return { warningcode: '1', message: `invalid parameter: usertype=${usertype.type}` };
  const cohort = state.cohorts.find((c) =>
    cohorttype.type === 'id' ? String(c.id) === cohorttype.value : c.idnumber === cohorttype.value,
  );
  if (!cohort) return { warningcode: '2', message: `cohort ${cohorttype.type}=${cohorttype.value} not exists` };
  const user = state.users.find(
    (u) => !u.deleted && String(u[usertype.type as 'id' | 'idnumber' | 'username']) === usertype.value,
  );
  if (!user) return { warningcode: '2', message: `user ${usertype.type}=${usertype.value} not exists` };
  if (state.cohortMembers.some((m) => m.cohortid === cohort.id && m.userid === user.id)) {
    return {
      warningcode: '3',
      message: `record already exists: cohort(${cohorttype.type}=${cohorttype.value} ${usertype.type}=${usertype.value})`,
    };
  }
  addCohortMember(state, cohort.id, user.id, ctx.now);
  return null;
}

export const cohortFunctions: MoodleFunction[] = [
  {
    name: 'core_cohort_create_cohorts',
    version: CORE_VERSION,
    params: {
      cohorts: multiple(
        single({
          categorytype: single({ type: value('text'), value: value('raw') }),
          name: value('raw'),
          idnumber: value('raw'),
          description: value('raw', 'optional'),
          descriptionformat: value('int', { default: 1 }),
          visible: value('bool', 'optional'),
          theme: value('theme', 'optional'),
          customfields: multiple(single({ shortname: value('alphanumext'), value: value('raw') }), 'optional'),
        }),
      ),
    },
    run(ctx, params) {
      return (params.cohorts as CohortInput[]).map((input) => formatCohort(createCohort(ctx, input)));
    },
  },
  {
    name: 'core_cohort_get_cohorts',
    version: CORE_VERSION,
    params: { cohortids: multiple(value('int'), { default: [] }) },
    run(ctx, params) {
      const ids = params.cohortids as number[];
      return ctx.state.cohorts
        .filter((c) => ids.length === 0 || ids.includes(c.id))
        .sort((a, b) => a.id - b.id)
        .map((c) => ({ ...formatCohort(c), customfields: [] }));
    },
  },
  {
    name: 'core_cohort_add_cohort_members',
    version: CORE_VERSION,
    params: {
      members: multiple(
        single({
          cohorttype: single({ type: value('alphanumext'), value: value('raw') }),
          usertype: single({ type: value('alphanumext'), value: value('raw') }),
        }),
      ),
    },
    run(ctx, params) {
      const warnings = (params.members as Member[]).map((member) => addMember(ctx, member)).filter((w) => w !== null);
      return { warnings };
    },
  },
  {
    name: 'core_cohort_delete_cohort_members',
    version: CORE_VERSION,
    params: { members: multiple(single({ cohortid: value('int'), userid: value('int') })) },
    run(ctx, params) {
      const { state } = ctx;
      for (const { cohortid, userid } of params.members as { cohortid: number; userid: number }[]) {
        if (!state.cohorts.some((c) => c.id === cohortid))
          throw dmlMissingRecord('cohort', 'SELECT * FROM {cohort} WHERE id = ?', [cohortid]);
        if (!state.users.some((u) => u.id === userid && !u.deleted)) {
          throw dmlMissingRecord('user', 'SELECT * FROM {user} WHERE id = ? AND deleted = ? AND mnethostid = ?', [
            userid,
            0,
            '1',
          ]);
        }
        state.cohortMembers = state.cohortMembers.filter((m) => !(m.cohortid === cohortid && m.userid === userid));
      }
      return null;
    },
  },
];
