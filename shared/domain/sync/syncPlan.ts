import type { DashboardEntity } from '../dashboard/dashboardRecords.ts';
import type { LinkEntity } from '../events.ts';
import type { InternalEventSpec } from '../internalEvent.ts';

/**
 * Plans as data (docs/pipeline.md): a flow reads the state of one record, then its pure `plan`
 * says what to write as a list of steps; the pipeline's `applySteps` is the only code that
 * writes. A step that creates something names it (`ref`), and later steps and the result point
 * at what it made with `{ ref }`: the plan can be written before any id exists, and a dry run
 * shows it as it is.
 */

/** An id made by an earlier step of the same plan (its `ref`). */
export interface Ref {
  ref: string;
  /** Written as a string (a Moodle id into a Zoho text field). */
  asString?: true;
}
export type IdOrRef = number | Ref;
export type ZohoIdOrRef = string | Ref;

export function ref(name: string, options: { asString?: true } = {}): Ref {
  return { ref: name, ...options };
}

export function isRef(value: unknown): value is Ref {
  if (typeof value !== 'object' || value === null || typeof (value as { ref?: unknown }).ref !== 'string') return false;
  const keys = Object.keys(value);
  return keys.length === 1 || (keys.length === 2 && (value as { asString?: unknown }).asString === true);
}

/** An id, or the ref of what this plan (or, in a dry run, a dependency's) would make. */
export function idOf(value: IdOrRef | null | undefined): number | null {
  return typeof value === 'number' ? value : null;
}

/** A new Moodle account, as `core_user_create_users` takes it. */
export interface NewMoodleUserValues {
  username: string;
  email: string;
  firstname: string;
  lastname: string;
  idnumber: string;
  auth: string;
  city?: string;
  country?: string;
}

export interface NewMoodleCourseValues {
  fullname: string;
  shortname: string;
  idnumber: string;
  categoryid: IdOrRef;
  startdate?: number;
  enddate?: number;
}

/** One grade push row (moodle_grade_pushes), as the grade flows record what they wrote to Zoho. */
export interface GradePushValues {
  composite_key: string;
  zoho_grade_id: ZohoIdOrRef;
  moodle_grade_id: number | null;
  student_moodle_id: number;
  course_moodle_id: number;
  assignment_id: number;
  student_zoho_id: string;
  class_zoho_id: string | null;
  letter: string;
  attempt_number: number;
  graded_at: number | null;
  due_date: number | null;
  fingerprint: string;
  origin?: 'moodle' | 'btec_rules';
}

export type SyncStep =
  | { op: 'moodle.create_user'; ref: string; user: NewMoodleUserValues }
  | { op: 'moodle.update_user'; userId: number; changes: Record<string, unknown> }
  | { op: 'moodle.create_category'; ref: string; category: { name: string; idnumber: string } }
  | { op: 'moodle.update_category'; categoryId: number; changes: { name?: string; idnumber?: string } }
  | { op: 'moodle.create_course'; ref: string; course: NewMoodleCourseValues }
  | { op: 'moodle.update_course'; courseId: number; changes: Record<string, unknown> }
  | {
      op: 'moodle.enrol';
      userId: IdOrRef;
      courseId: IdOrRef;
      roleId: number;
      suspend?: boolean;
      /** When Moodle refuses it (the user or course deleted by hand), drop the links that point at nothing and retry. */
      dropStaleLinks?: boolean;
      /**
       * An enrolment this record had before (its suspension when it moved): when Moodle no longer
       * has its user or course there is nothing left to suspend, and a warning says so.
       */
      skipIfGone?: boolean;
    }
  | {
      op: 'dashboard.upsert';
      ref: string;
      entity: DashboardEntity;
      record: Record<string, unknown>;
      /** The student's Moodle user, whose link is dropped when the plugin answers `usernotfound`. */
      userId: number | null;
      /** What a dry run reports (the plugin itself answers created, updated or unchanged: `<ref>:action`). */
      wouldBe: 'created' | 'updated';
      /** The same record without its course, written when the plugin answers `coursenotfound`. */
      withoutCourse?: { record: Record<string, unknown>; warning: string };
    }
  | {
      op: 'dashboard.remove';
      ref: string;
      entity: DashboardEntity;
      zohoId: string;
      /** Why, for the result: the pipeline adds whether the row was there (`<ref>:reason`, `<ref>:action`). */
      reason: string;
    }
  | { op: 'zoho.update'; module: string; recordId: ZohoIdOrRef; values: Record<string, unknown> }
  | { op: 'zoho.insert'; ref: string; module: string; values: Record<string, unknown> }
  | {
      op: 'zoho.delete';
      ref: string;
      module: string;
      recordId: string;
      /** What the result says when Zoho no longer had it (`<ref>:note`); `<ref>:action` is deleted or unchanged. */
      goneNote: string;
    }
  | {
      op: 'zoho.upsert_grade';
      ref: string;
      compositeKey: string;
      fields: Record<string, unknown>;
      /** Replaces the learning-outcome subform; null leaves it as it is. */
      learningOutcomes: Record<string, unknown>[] | null;
      /** The record the read found for the key (null: none), so the write looks nothing up again. */
      existingId?: string | null;
    }
  | {
      op: 'link.save';
      entity: LinkEntity;
      zohoId: ZohoIdOrRef;
      moodleId: IdOrRef;
      moodleUserId?: IdOrRef | null;
      /** Or, when what is linked holds a ref, the fingerprint of `of` once its refs are resolved. */
      fingerprint: string | null | { of: unknown };
      state?: 'active' | 'suspended';
    }
  | { op: 'link.delete'; entity: LinkEntity; zohoId: string }
  | { op: 'grade_push.save'; push: GradePushValues; dashboardCopyOf: ZohoIdOrRef | null }
  | { op: 'event.queue'; event: InternalEventSpec }
  | { op: 'zoho.queue_class_enrollments'; classZohoId: string };

export type SyncStepOp = SyncStep['op'];

/** `deleted`: a dashboard row removed from the Moodle plugin after its Zoho record was deleted. */
export type EntityAction = 'created' | 'updated' | 'unchanged' | 'suspended' | 'deleted' | 'skipped' | 'linked';

/** What a sync did (or, in a dry run, would do) to one record; stored in the event's result with its plan. */
export interface EntityResult {
  entity: string;
  zohoId?: ZohoIdOrRef | null;
  /** A ref when only the write tells (the plugin answers created, updated or unchanged). */
  action: EntityAction | Ref;
  /** The Moodle object (user, category, course; the plugin's row for dashboard data); null when none exists (yet). */
  moodleId?: IdOrRef | null;
  /** Fields written (or that would be). */
  changes?: string[];
  /** How an existing Moodle object was found when it was not linked yet. */
  linkedBy?: 'idnumber' | 'zoho_moodle_id' | 'email' | 'username';
  reason?: string | Ref;
  /** The Zoho field the Moodle id was written back to. */
  writeBack?: string;
  warnings?: string[];
  /** Records synced first because this one needs them (each with its own plan). */
  dependencies?: EntityResult[];
  /** Extra ids (course of an enrolment, teacher of a class…). */
  details?: Record<string, unknown>;
  /** The steps applied (or, in a dry run, planned); set by the pipeline. */
  plan?: SyncStep[];
  [extra: string]: unknown;
}

/** What `plan` returns: the result to record and the steps that make it true. No steps: nothing to write. */
export interface SyncPlan {
  result: EntityResult;
  steps: SyncStep[];
}

export function skipPlan(result: Omit<EntityResult, 'action'> & { reason: string }): SyncPlan {
  return { result: { ...result, action: 'skipped' } as EntityResult, steps: [] };
}
