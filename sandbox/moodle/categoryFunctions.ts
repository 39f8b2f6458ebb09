import { CORE_VERSION, type CallContext, type MoodleFunction } from './MoodleFunction.ts';
import { dmlMissingRecord, invalidParameter, moodleError } from './MoodleException.ts';
import { CONTEXT_COURSECAT, ensureContext, takeId, type MoodleCategory, type MoodleState } from './moodleState.ts';
import { multiple, single, value } from './validateParameters.ts';

export interface CategoryInput {
  name: string;
  parent?: number;
  idnumber?: string;
  description?: string;
  descriptionformat?: number;
  theme?: string;
}

/**
 * core_course_category::create() as core_course_create_categories calls it: the parent must
 * exist, the name must not be empty, a non-empty idnumber must be unique. The new category
 * sorts after the existing ones (sortorder steps of 10000).
 * @throws MoodleException
 */
export function createCategory(ctx: Pick<CallContext, 'state' | 'now'>, input: CategoryInput): MoodleCategory {
  const { state } = ctx;
  const parentid = input.parent ?? 0;
  const parent = state.categories.find((c) => c.id === parentid);
  if (parentid !== 0 && !parent) throw moodleError('unknowcategory', 'Unknown category');
  if (input.name.trim() === '') throw moodleError('categorynamerequired', 'The category name is required');
  if ([...input.name].length > 255) throw moodleError('categorytoolong', 'Category name too long');
  if (input.idnumber !== undefined) {
    if ([...input.idnumber].length > 100) throw moodleError('idnumbertoolong', 'ID number is too long');
    if (input.idnumber !== '' && state.categories.some((c) => c.idnumber === input.idnumber)) {
      throw moodleError('categoryidnumbertaken', 'ID number is already used for another category');
    }
  }
  const id = takeId(state, 'category');
  const category: MoodleCategory = {
    id,
    name: input.name,
    idnumber: input.idnumber ?? null,
    description: input.description ?? '',
    descriptionformat: input.descriptionformat ?? 1,
    parent: parentid,
    sortorder: Math.max(0, ...state.categories.map((c) => c.sortorder)) + 10000,
    visible: parent ? parent.visible : 1,
    visibleold: 1,
    timemodified: ctx.now,
    depth: parent ? parent.depth + 1 : 1,
    path: `${parent ? parent.path : ''}/${id}`,
    theme: input.theme ?? '',
  };
  state.categories.push(category);
  ensureContext(state, CONTEXT_COURSECAT, id);
  return category;
}

function formatCategory(state: MoodleState, c: MoodleCategory): Record<string, unknown> {
  return {
    id: c.id,
    name: c.name,
    idnumber: c.idnumber,
    description: c.description,
    descriptionformat: c.descriptionformat,
    parent: c.parent,
    sortorder: c.sortorder,
    coursecount: state.courses.filter((course) => course.category === c.id).length,
    visible: c.visible,
    visibleold: c.visibleold,
    timemodified: c.timemodified,
    depth: c.depth,
    path: c.path,
    theme: c.theme,
  };
}

/** One criterion of core_course_get_categories as a test on a category row. */
function criterionTest(key: string, raw: string): (c: MoodleCategory) => boolean {
  switch (key) {
    case 'id':
    case 'parent':
    case 'visible':
      return (c) => c[key] === Number.parseInt(raw, 10);
    case 'ids': {
      const ids = raw.split(',').map((id) => Number.parseInt(id, 10));
      return (c) => ids.includes(c.id);
    }
    case 'name':
    case 'idnumber':
    case 'theme':
      return (c) => c[key] === raw;
    default:
      throw invalidParameter(`The criteria key '${key}' is not supported`);
  }
}

export const categoryFunctions: MoodleFunction[] = [
  {
    name: 'core_course_create_categories',
    version: CORE_VERSION,
    params: {
      categories: multiple(
        single({
          name: value('text'),
          parent: value('int', { default: 0 }),
          idnumber: value('raw', 'optional'),
          description: value('raw', 'optional'),
          descriptionformat: value('int', { default: 1 }),
          theme: value('theme', 'optional'),
        }),
      ),
    },
    run(ctx, params) {
      return (params.categories as CategoryInput[])
        .map((input) => createCategory(ctx, input))
        .map((c) => ({ id: c.id, name: c.name }));
    },
  },
  {
    name: 'core_course_get_categories',
    version: CORE_VERSION,
    params: {
      criteria: multiple(single({ key: value('alpha'), value: value('raw') }), { default: [] }),
      addsubcategories: value('bool', { default: true }),
    },
    run(ctx, params) {
      const { state } = ctx;
      const tests = (params.criteria as { key: string; value: string }[]).map((c) => criterionTest(c.key, c.value));
      const found = state.categories.filter((c) => tests.every((test) => test(c)));
      const result = new Map(found.map((c) => [c.id, c]));
      if (params.addsubcategories) {
        for (const c of found) {
          for (const sub of state.categories) if (sub.path.startsWith(`${c.path}/`)) result.set(sub.id, sub);
        }
      }
      return [...result.values()].sort((a, b) => a.sortorder - b.sortorder).map((c) => formatCategory(state, c));
    },
  },
  {
    // core_course_external::update_categories → core_course_category::update(): the same
    // checks as create for what is given; an unknown id is a missing course_categories
    // record. Returns null.
    name: 'core_course_update_categories',
    version: CORE_VERSION,
    params: {
      categories: multiple(
        single({
          id: value('int'),
          name: value('text', 'optional'),
          idnumber: value('raw', 'optional'),
          parent: value('int', 'optional'),
          description: value('raw', 'optional'),
          descriptionformat: value('int', { default: 1 }),
          theme: value('theme', 'optional'),
        }),
      ),
    },
    run(ctx, params) {
      const { state } = ctx;
      for (const input of params.categories as (Partial<CategoryInput> & { id: number })[]) {
        const category = state.categories.find((c) => c.id === input.id);
        if (!category)
          throw dmlMissingRecord('course_categories', 'SELECT * FROM {course_categories} WHERE id = ?', [input.id]);
        if (input.name !== undefined) {
          if (input.name.trim() === '') throw moodleError('categorynamerequired', 'The category name is required');
          if ([...input.name].length > 255) throw moodleError('categorytoolong', 'Category name too long');
          category.name = input.name;
        }
        if (input.idnumber !== undefined && input.idnumber !== category.idnumber) {
          if ([...input.idnumber].length > 100) throw moodleError('idnumbertoolong', 'ID number is too long');
          if (
            input.idnumber !== '' &&
            state.categories.some((c) => c.id !== category.id && c.idnumber === input.idnumber)
          ) {
            throw moodleError('categoryidnumbertaken', 'ID number is already used for another category');
          }
          category.idnumber = input.idnumber;
        }
        if (input.description !== undefined) category.description = input.description;
        if (input.parent !== undefined && input.parent !== category.parent) {
          throw invalidParameter('moving categories is not simulated');
        }
        category.timemodified = ctx.now;
      }
      return null;
    },
  },
];
