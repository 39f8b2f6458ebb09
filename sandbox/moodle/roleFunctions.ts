import { CORE_VERSION, type MoodleFunction } from './MoodleFunction.ts';
import { codingError, invalidParameter } from './MoodleException.ts';
import {
  CONTEXT_COURSE,
  CONTEXT_COURSECAT,
  CONTEXT_MODULE,
  CONTEXT_SYSTEM,
  CONTEXT_USER,
  contextOf,
  takeId,
  type MoodleContext,
  type MoodleState,
} from './moodleState.ts';
import { multiple, single, value } from './validateParameters.ts';

/**
 * role_assign(): the user must exist and not be deleted (else coding_exception, as Moodle);
 * an identical assignment is kept, not doubled. Returns the assignment id.
 * @throws MoodleException
 */
export function assignRole(state: MoodleState, roleid: number, userid: number, contextid: number, now: number): number {
  if (!state.users.some((u) => u.id === userid && !u.deleted))
    throw codingError('User ID does not exist or is deleted!');
  const existing = state.roleAssignments.find(
    (ra) => ra.roleid === roleid && ra.userid === userid && ra.contextid === contextid && ra.component === '',
  );
  if (existing) return existing.id;
  const id = takeId(state, 'roleAssignment');
  state.roleAssignments.push({ id, roleid, userid, contextid, component: '', itemid: 0, timemodified: now });
  return id;
}

const LEVELS: Record<string, number> = {
  system: CONTEXT_SYSTEM,
  user: CONTEXT_USER,
  coursecat: CONTEXT_COURSECAT,
  course: CONTEXT_COURSE,
  module: CONTEXT_MODULE,
  block: 80,
};

/** Whether the thing a context belongs to exists (contexts of deleted things are gone). */
function contextExists(state: MoodleState, context: MoodleContext): boolean {
  switch (context.contextlevel) {
    case CONTEXT_USER:
      return state.users.some((u) => u.id === context.instanceid && !u.deleted);
    case CONTEXT_COURSECAT:
      return state.categories.some((c) => c.id === context.instanceid);
    case CONTEXT_COURSE:
      return state.courses.some((c) => c.id === context.instanceid);
    case CONTEXT_MODULE:
      return state.assignments.some((a) => a.cmid === context.instanceid);
    default:
      return context.contextlevel === CONTEXT_SYSTEM;
  }
}

export const roleFunctions: MoodleFunction[] = [
  {
    name: 'core_role_assign_roles',
    version: CORE_VERSION,
    params: {
      assignments: multiple(
        single({
          roleid: value('int'),
          userid: value('int'),
          contextid: value('int', 'optional'),
          contextlevel: value('alpha', 'optional'),
          instanceid: value('int', 'optional'),
        }),
      ),
    },
    run(ctx, params) {
      const { state } = ctx;
      for (const a of params.assignments as {
        roleid: number;
        userid: number;
        contextid?: number;
        contextlevel?: string;
        instanceid?: number;
      }[]) {
        let context: MoodleContext | undefined;
        if (a.contextid) {
          context = state.contexts.find((c) => c.id === a.contextid);
        } else if (a.contextlevel && a.instanceid !== undefined) {
          const level = LEVELS[a.contextlevel];
          if (level === undefined) throw invalidParameter(`Invalid context level = ${a.contextlevel}`);
          context = level === CONTEXT_SYSTEM ? contextOf(state, level, 0) : contextOf(state, level, a.instanceid);
        } else {
          throw invalidParameter(
            'Missing parameters, please provide either context level with instance id or contextid',
          );
        }
        if (!context || !contextExists(state, context)) throw invalidParameter('Context does not exist');
        const role = state.roles.find((r) => r.id === a.roleid);
        const allowed = state.config.assignableRoles === 'all' || state.config.assignableRoles.includes(a.roleid);
        if (!role || !allowed || !role.assignableAt.includes(context.contextlevel)) {
          throw invalidParameter(`Can not assign roleid=${a.roleid} in contextid=${a.contextid ?? ''}`);
        }
        assignRole(state, a.roleid, a.userid, context.id, ctx.now);
      }
      return null;
    },
  },
];
