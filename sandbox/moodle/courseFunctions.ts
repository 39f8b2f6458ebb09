import { CORE_VERSION, type CallContext, type MoodleFunction } from './MoodleFunction.ts';
import { dmlMissingRecord, invalidParameter, moodleError } from './MoodleException.ts';
import {
  CONTEXT_COURSE,
  contextOf,
  courseRoleIds,
  ensureContext,
  fullname,
  isActiveEnrolment,
  takeId,
  type MoodleCourse,
  type MoodleState,
} from './moodleState.ts';
import { withItemTransaction } from './transactions.ts';
import {
  INSTALLED_LANGS,
  INSTALLED_THEMES,
  multiple,
  single,
  stripTags,
  value,
  type ParamDesc,
  type Presence,
} from './validateParameters.ts';

export type CourseInput = Partial<Omit<MoodleCourse, 'formatoptions' | 'category'>> & {
  categoryid?: number;
  forcetheme?: string;
  hiddensections?: number;
  courseformatoptions?: { name: string; value: string }[];
};

/** The keys of create_courses / update_courses, in Moodle's order; `p` gives each one's presence. */
const courseParams = (p: (key: string) => Presence): Record<string, ParamDesc> => ({
  fullname: value('text', p('fullname')),
  shortname: value('text', p('shortname')),
  categoryid: value('int', p('categoryid')),
  idnumber: value('raw', p('idnumber')),
  summary: value('raw', p('summary')),
  summaryformat: value('int', p('summaryformat')),
  format: value('plugin', p('format')),
  showgrades: value('int', p('showgrades')),
  newsitems: value('int', p('newsitems')),
  startdate: value('int', p('startdate')),
  enddate: value('int', p('enddate')),
  numsections: value('int', p('numsections')),
  maxbytes: value('int', p('maxbytes')),
  showreports: value('int', p('showreports')),
  visible: value('int', p('visible')),
  hiddensections: value('int', p('hiddensections')),
  groupmode: value('int', p('groupmode')),
  groupmodeforce: value('int', p('groupmodeforce')),
  defaultgroupingid: value('int', p('defaultgroupingid')),
  enablecompletion: value('int', p('enablecompletion')),
  completionnotify: value('int', p('completionnotify')),
  lang: value('safedir', p('lang')),
  forcetheme: value('plugin', p('forcetheme')),
  courseformatoptions: multiple(single({ name: value('alpha'), value: value('raw') }), 'optional'),
  customfields: multiple(single({ shortname: value('alphanumext'), value: value('raw') }), 'optional'),
});

const CREATE_DEFAULTS: Record<string, Presence> = {
  fullname: 'required',
  shortname: 'required',
  categoryid: 'required',
  summaryformat: { default: 1 },
  format: { default: 'topics' },
  showgrades: { default: 1 },
  newsitems: { default: 5 },
  maxbytes: { default: 0 },
  showreports: { default: 0 },
  groupmode: { default: 0 },
  groupmodeforce: { default: 0 },
  defaultgroupingid: { default: 0 },
};

/** A course format's options with their defaults (types as recorded: indentation is a string). */
function defaultFormatOptions(format: string): { name: string; value: number | string }[] {
  if (format === 'topics')
    return [
      { name: 'hiddensections', value: 1 },
      { name: 'coursedisplay', value: 0 },
      { name: 'indentation', value: '1' },
    ];
  if (format === 'weeks')
    return [
      { name: 'hiddensections', value: 1 },
      { name: 'coursedisplay', value: 0 },
      { name: 'automaticenddate', value: 1 },
      { name: 'indentation', value: '1' },
    ];
  return [];
}

function applyFormatOptions(course: MoodleCourse, input: CourseInput): void {
  const given = [
    ...(input.hiddensections !== undefined ? [{ name: 'hiddensections', value: String(input.hiddensections) }] : []),
    ...(input.courseformatoptions ?? []),
  ];
  for (const { name, value: raw } of given) {
    const option = course.formatoptions.find((o) => o.name === name);
    if (option) option.value = typeof option.value === 'number' ? Number.parseInt(raw, 10) || 0 : raw;
  }
}

/** create_course()/update_course() checks: unique shortname and idnumber, end date after start date. */
function checkCourse(
  state: MoodleState,
  course: { id?: number; shortname: string; idnumber: string; startdate: number; enddate: number },
): void {
  if (course.shortname !== '' && state.courses.some((c) => c.id !== course.id && c.shortname === course.shortname)) {
    throw moodleError('shortnametaken', `Short name is already used for another course (${course.shortname})`);
  }
  if (course.idnumber !== '' && state.courses.some((c) => c.id !== course.id && c.idnumber === course.idnumber)) {
    throw moodleError('courseidnumbertaken', `ID number is already used for another course (${course.idnumber})`);
  }
  if (course.enddate && course.startdate && course.enddate < course.startdate) {
    throw moodleError('enddatebeforestartdate', 'The course end date must be after the start date.');
  }
}

function checkNames(input: CourseInput): void {
  if (input.fullname !== undefined && input.fullname.trim() === '')
    throw moodleError('errorinvalidparam', 'The param "fullname" is invalid.');
  if (input.shortname !== undefined && input.shortname.trim() === '')
    throw moodleError('errorinvalidparam', 'The param "shortname" is invalid.');
  if (input.lang !== undefined && !INSTALLED_LANGS.includes(input.lang))
    throw moodleError('errorinvalidparam', 'The param "lang" is invalid.');
  if (input.forcetheme !== undefined && input.forcetheme !== '' && !INSTALLED_THEMES.includes(input.forcetheme)) {
    throw moodleError('errorinvalidparam', 'The param "forcetheme" is invalid.');
  }
}

/** Puts a course first in its category (Moodle places new and moved courses at the top). */
function placeFirst(state: MoodleState, course: MoodleCourse): void {
  const base = state.categories.find((c) => c.id === course.category)?.sortorder ?? 0;
  const others = state.courses
    .filter((c) => c.category === course.category && c.id !== course.id)
    .sort((a, b) => a.sortorder - b.sortorder);
  course.sortorder = base + 1;
  others.forEach((c, i) => (c.sortorder = base + 2 + i));
}

/**
 * core_course_create_courses for one course: the category must exist (else
 * errorcatcontextnotvalid, as recorded), names non-empty, then create_course().
 * @throws MoodleException
 */
export function createCourse(
  ctx: Pick<CallContext, 'state' | 'now'>,
  input: CourseInput & { fullname: string; shortname: string; categoryid: number },
): MoodleCourse {
  const { state, now } = ctx;
  if (!state.categories.some((c) => c.id === input.categoryid)) {
    throw moodleError(
      'errorcatcontextnotvalid',
      `You cannot execute functions in the category context (category id:${input.categoryid}). The context error message was: Invalid parameter value detected`,
    );
  }
  checkNames(input);
  const format = input.format ?? 'topics';
  const course: MoodleCourse = {
    id: 0,
    category: input.categoryid,
    fullname: input.fullname,
    shortname: input.shortname,
    idnumber: input.idnumber ?? '',
    summary: input.summary ?? '',
    summaryformat: input.summaryformat ?? 1,
    format,
    showgrades: input.showgrades ?? 1,
    newsitems: input.newsitems ?? 5,
    startdate: input.startdate ?? 0,
    enddate: input.enddate ?? 0,
    maxbytes: input.maxbytes ?? 0,
    showreports: input.showreports ?? 0,
    visible: input.visible ?? 1,
    groupmode: input.groupmode ?? 0,
    groupmodeforce: input.groupmodeforce ?? 0,
    defaultgroupingid: input.defaultgroupingid ?? 0,
    enablecompletion: input.enablecompletion ?? 1,
    completionnotify: input.completionnotify ?? 0,
    lang: input.lang ?? '',
    theme: input.forcetheme ?? '',
    marker: 0,
    legacyfiles: 0,
    calendartype: '',
    timecreated: now,
    timemodified: now,
    requested: 0,
    cacherev: now,
    sortorder: 0,
    formatoptions: defaultFormatOptions(format),
  };
  checkCourse(state, course);
  course.id = takeId(state, 'course');
  applyFormatOptions(course, input);
  state.courses.push(course);
  placeFirst(state, course);
  ensureContext(state, CONTEXT_COURSE, course.id);
  return course;
}

/** update_course() for one item of core_course_update_courses. @throws MoodleException */
function updateCourse(ctx: CallContext, input: CourseInput & { id: number }): void {
  const { state } = ctx;
  const course = state.courses.find((c) => c.id === input.id);
  if (!course) throw dmlMissingRecord('course', 'SELECT id,category FROM {course} WHERE id = ?', [input.id]);
  const changed = (key: 'fullname' | 'shortname') => input[key] !== undefined && input[key] !== course[key];
  checkNames({
    fullname: changed('fullname') ? input.fullname : undefined,
    shortname: changed('shortname') ? input.shortname : undefined,
    lang: input.lang,
    forcetheme: input.forcetheme,
  });
  const {
    id: _id,
    categoryid,
    forcetheme,
    hiddensections: _h,
    courseformatoptions: _o,
    customfields: _f,
    numsections: _n,
    ...fields
  } = input as CourseInput & { id: number; customfields?: unknown; numsections?: unknown };
  const next: MoodleCourse = { ...course, ...fields, formatoptions: course.formatoptions.map((o) => ({ ...o })) };
  checkCourse(state, next);
  if (categoryid !== undefined && categoryid !== 0 && categoryid !== course.category) {
    if (!state.categories.some((c) => c.id === categoryid))
      throw dmlMissingRecord('course_categories', 'SELECT * FROM {course_categories} WHERE id = ?', [categoryid]);
    next.category = categoryid;
  }
  if (fields.format !== undefined && fields.format !== course.format)
    next.formatoptions = defaultFormatOptions(fields.format);
  if (forcetheme !== undefined) next.theme = forcetheme;
  applyFormatOptions(next, input);
  const moved = next.category !== course.category;
  Object.assign(course, next, { timemodified: ctx.now, cacherev: Math.max(ctx.now, course.cacherev + 1) });
  if (moved) placeFirst(state, course);
}

function formatCourse(ctx: CallContext, course: MoodleCourse): Record<string, unknown> {
  const { state, wwwroot } = ctx;
  const context = contextOf(state, CONTEXT_COURSE, course.id);
  const contacts = state.enrolments
    .filter(
      (e) =>
        e.courseid === course.id &&
        isActiveEnrolment(e, ctx.now) &&
        courseRoleIds(state, course.id, e.userid).includes(3),
    )
    .map((e) => state.users.find((u) => u.id === e.userid)!)
    .sort((a, b) => a.id - b.id)
    .map((u) => ({ id: u.id, fullname: fullname(u) }));
  return {
    id: course.id,
    fullname: course.fullname,
    displayname: course.fullname,
    shortname: course.shortname,
    courseimage: `${wwwroot}/pluginfile.php/${context?.id ?? 0}/course/generated/course.svg`,
    categoryid: course.category,
    categoryname: state.categories.find((c) => c.id === course.category)?.name ?? '',
    sortorder: course.sortorder,
    summary: course.summary,
    summaryformat: course.summaryformat,
    summaryfiles: [],
    overviewfiles: [],
    showactivitydates: true,
    showcompletionconditions: true,
    contacts,
    enrollmentmethods: ['manual'],
    idnumber: course.idnumber,
    format: course.format,
    showgrades: course.showgrades,
    newsitems: course.newsitems,
    startdate: course.startdate,
    enddate: course.enddate,
    maxbytes: course.maxbytes,
    showreports: course.showreports,
    visible: course.visible,
    groupmode: course.groupmode,
    groupmodeforce: course.groupmodeforce,
    defaultgroupingid: course.defaultgroupingid,
    enablecompletion: course.enablecompletion,
    completionnotify: course.completionnotify,
    lang: course.lang,
    theme: course.theme,
    marker: course.marker,
    legacyfiles: course.legacyfiles,
    calendartype: course.calendartype,
    timecreated: course.timecreated,
    timemodified: course.timemodified,
    requested: course.requested,
    cacherev: course.cacherev,
    filters: ['displayh5p', 'activitynames', 'mathjaxloader', 'emoticon', 'urltolink', 'mediaplugin'].map((filter) => ({
      filter,
      localstate: 0,
      inheritedstate: 1,
    })),
    courseformatoptions: course.formatoptions.map((o) => ({ ...o })),
  };
}

export const courseFunctions: MoodleFunction[] = [
  {
    name: 'core_course_create_courses',
    version: CORE_VERSION,
    params: { courses: multiple(single(courseParams((key) => CREATE_DEFAULTS[key] ?? 'optional'))) },
    run(ctx, params) {
      return (params.courses as Parameters<typeof createCourse>[1][])
        .map((input) => createCourse(ctx, input))
        .map((c) => ({ id: c.id, shortname: c.shortname }));
    },
  },
  {
    name: 'core_course_update_courses',
    version: CORE_VERSION,
    params: { courses: multiple(single({ id: value('int'), ...courseParams(() => 'optional') })) },
    run(ctx, params) {
      const warnings: unknown[] = [];
      for (const input of params.courses as (CourseInput & { id: number })[]) {
        withItemTransaction(
          ctx.state,
          () => updateCourse(ctx, input),
          (error) => {
            warnings.push({ item: 'course', itemid: input.id, warningcode: error.errorcode, message: error.message });
          },
        );
      }
      return { warnings };
    },
  },
  {
    name: 'core_course_get_courses_by_field',
    version: CORE_VERSION,
    params: { field: value('alpha', { default: '' }), value: value('raw', { default: '' }) },
    run(ctx, params) {
      const field = params.field as string;
      const raw = params.value as string;
      const int = Number.parseInt(raw, 10) || 0;
      const tests: Record<string, (c: MoodleCourse) => boolean> = {
        '': () => true,
        id: (c) => c.id === int,
        ids: (c) =>
          raw
            .replace(/[^0-9,]/g, '')
            .split(',')
            .map(Number)
            .includes(c.id),
        shortname: (c) => c.shortname === stripTags(raw),
        idnumber: (c) => c.idnumber === raw,
        category: (c) => c.category === int,
        sectionid: () => false,
      };
      const test = tests[field];
      if (!test) throw invalidParameter('Invalid field name');
      const courses = ctx.state.courses
        .filter(test)
        .sort((a, b) => a.id - b.id)
        .map((c) => formatCourse(ctx, c));
      return { courses, warnings: [] };
    },
  },
];
