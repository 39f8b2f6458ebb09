import type { DesiredCourse } from './mapClassToCourse.ts';

export interface MoodleCourseChanges {
  fullname?: string;
  shortname?: string;
  categoryid?: number;
  startdate?: number;
  enddate?: number;
  visible?: boolean;
}

/** The fields of a Moodle course (core_course_get_courses_by_field) this plan compares. */
export interface ExistingMoodleCourse {
  fullname: string;
  shortname: string;
  categoryid?: number | undefined;
  startdate?: number | undefined;
  enddate?: number | undefined;
  visible?: number | undefined;
}

/**
 * What must change on an existing course to match its class. `acceptedShortnames` are the
 * class's shortname and its made-unique variants: a course already carrying one of them
 * keeps it. A date Zoho does not have leaves Moodle's alone; a hidden course is shown again.
 */
export function planCourseChanges(
  existing: ExistingMoodleCourse,
  desired: DesiredCourse,
  categoryId: number,
  acceptedShortnames: readonly string[],
): MoodleCourseChanges {
  const changes: MoodleCourseChanges = {};
  if (existing.fullname !== desired.fullname) changes.fullname = desired.fullname;
  if (!acceptedShortnames.includes(existing.shortname)) changes.shortname = desired.shortname;
  if (existing.categoryid !== undefined && existing.categoryid !== categoryId) changes.categoryid = categoryId;
  if (desired.startdate !== null && existing.startdate !== desired.startdate) changes.startdate = desired.startdate;
  if (desired.enddate !== null && existing.enddate !== desired.enddate) changes.enddate = desired.enddate;
  if (existing.visible === 0) changes.visible = true;
  return changes;
}
