import type { DatabasePool } from 'slonik';
import { createDashboardClient, DashboardRecordError } from '../../shared/clients/moodle/createDashboardClient.ts';
import type { MoodleClient } from '../../shared/clients/moodle/createMoodleClient.ts';
import type { ZohoClient } from '../../shared/clients/zoho/createZohoClient.ts';
import { saveGradePush } from '../../shared/db/queries/gradePushes.ts';
import { recordWebhookEvent, type EventRow } from '../../shared/db/queries/integrationEventsLog.ts';
import { dropLinksToMissingMoodleObjects } from '../../shared/db/queries/staleLinks.ts';
import { deleteLink, saveLink } from '../../shared/db/queries/syncLinks.ts';
import { PermanentError, RetryableError, SyncError } from '../../shared/domain/errors.ts';
import { internalEvent } from '../../shared/domain/internalEvent.ts';
import { fingerprint } from '../../shared/domain/sync/fingerprint.ts';
import { isDeletedMoodleUser } from '../../shared/domain/moodle/isDeletedMoodleUser.ts';
import { isRef, type Ref, type SyncStep } from '../../shared/domain/sync/syncPlan.ts';
import type { EventKind } from '../../shared/domain/events.ts';
import { upsertZohoGrade } from '../../shared/clients/zoho/upsertZohoGrade.ts';

export interface ApplyDeps {
  db: DatabasePool;
  zoho: ZohoClient;
  moodle: MoodleClient;
  /** The event whose plan this is: links and pushes name it; follow-up events are its children. None for the nightly rules. */
  event: Pick<EventRow, 'id'> | null;
  /** Kinds the run syncs every record of itself (RunContext `covers`): no follow-up events for them. */
  covers?: ReadonlySet<EventKind> | undefined;
}

export interface Applied {
  /** What the steps made, by name (their refs, `queued:<event id>` for queued events…). */
  made: ReadonlyMap<string, unknown>;
  /** `value` with every `{ ref }` replaced by what the step of that ref made. */
  resolve<T>(value: T): T;
  /** What the writes themselves reported (a shortname taken meanwhile, a course gone…). */
  warnings: string[];
}

/**
 * What apply met that the read did not see (an account created between the read and the
 * write): the runner reads and plans once more, and the new plan adopts what is there.
 */
export class Replan extends Error {
  constructor(cause: unknown) {
    super('the state changed between read and apply', { cause });
  }
}

/**
 * The only code that writes (docs/pipeline.md): applies a plan's steps in order, each through
 * its client or shared/db query, and resolves the refs of later steps with the ids earlier ones
 * made. Every step is idempotent against a retry of the whole plan: Moodle's enrol updates an
 * existing enrolment, the plugin's upserts are keyed by Zoho id, grades are upserted by their
 * composite key, follow-up events have ids derived from this event's.
 */
export async function applySteps(steps: SyncStep[], deps: ApplyDeps): Promise<Applied> {
  const made = new Map<string, unknown>();
  const warnings: string[] = [];
  const resolve = <T>(value: T): T => resolveRefs(value, made);
  for (const planned of steps) {
    const step = resolve(planned);
    await applyStep(step, deps, made, warnings);
  }
  return { made, resolve, warnings };
}

async function applyStep(
  step: SyncStep,
  deps: ApplyDeps,
  made: Map<string, unknown>,
  warnings: string[],
): Promise<void> {
  const { db, zoho, moodle } = deps;
  const eventId = deps.event?.id ?? null;
  switch (step.op) {
    case 'moodle.create_user': {
      try {
        const [user] = await moodle.createUsers([step.user]);
        made.set(step.ref, user!.id);
      } catch (error) {
        // Another job (or a person) made it between our read and this write: read again and adopt it.
        if (error instanceof SyncError && error.code === 'moodle.duplicate') throw new Replan(error);
        throw error;
      }
      return;
    }
    case 'moodle.update_user':
      await moodle.updateUsers([{ id: step.userId, ...step.changes }]);
      return;
    case 'moodle.create_category': {
      const [category] = await moodle.createCategories([step.category]);
      made.set(step.ref, category!.id);
      return;
    }
    case 'moodle.update_category':
      await moodle.updateCategories([{ id: step.categoryId, ...step.changes }]);
      return;
    case 'moodle.create_course': {
      const [course] = await moodle.createCourses([{ ...step.course, categoryid: step.course.categoryid as number }]);
      made.set(step.ref, course!.id);
      return;
    }
    case 'moodle.update_course':
      await moodle.updateCourses([{ id: step.courseId, ...step.changes }]);
      return;
    case 'moodle.enrol': {
      const enrolment = {
        userid: step.userId as number,
        courseid: step.courseId as number,
        roleid: step.roleId,
        ...(step.suspend !== undefined ? { suspend: step.suspend } : {}),
      };
      try {
        await moodle.enrolUsers([enrolment]);
      } catch (error) {
        // invaliduser / invalidparameter: perhaps the user or course was deleted in Moodle by hand.
        if (step.dropStaleLinks && error instanceof PermanentError) {
          await dropStaleLinks(deps, { userId: enrolment.userid, courseId: enrolment.courseid }, error);
        }
        if (step.skipIfGone && error instanceof PermanentError) {
          const { what } = await lookForMissing(moodle, { userId: enrolment.userid, courseId: enrolment.courseid });
          if (what) {
            warnings.push(`the earlier enrolment was not suspended: ${what} no longer exists in Moodle`);
            return;
          }
        }
        throw error;
      }
      return;
    }
    case 'dashboard.upsert': {
      const dashboard = createDashboardClient(moodle.call);
      let written;
      try {
        written = await dashboard.upsertOne(step.entity, step.record as never);
      } catch (error) {
        if (!(error instanceof DashboardRecordError)) throw error;
        // The student's account was deleted in Moodle after we linked it: drop the link, and the
        // retry makes the account again.
        if (error.errorcode === 'usernotfound')
          await dropStaleLinks(deps, { userId: step.userId, courseId: null }, error);
        // The linked course was deleted in Moodle: keep the record visible, without its course.
        if (error.errorcode !== 'coursenotfound' || !step.withoutCourse) throw error;
        written = await dashboard.upsertOne(step.entity, step.withoutCourse.record as never);
        warnings.push(step.withoutCourse.warning);
      }
      made.set(step.ref, written.id);
      made.set(
        `${step.ref}:action`,
        written.status === 'created' || written.status === 'updated' ? written.status : 'unchanged',
      );
      return;
    }
    case 'dashboard.remove': {
      const removed = await createDashboardClient(moodle.call).removeOne(step.entity, step.zohoId);
      const wasThere = removed.status === 'deleted';
      made.set(step.ref, wasThere ? removed.id : null);
      made.set(`${step.ref}:action`, wasThere ? 'deleted' : 'unchanged');
      made.set(
        `${step.ref}:reason`,
        `${step.reason}${wasThere ? ': removed from the dashboard' : '; it was not on the dashboard'}`,
      );
      return;
    }
    case 'zoho.update':
      await zoho.updateOne(step.module as never, {
        id: step.recordId as string,
        ...zoho.fields.record(step.module as never, step.values as never),
      });
      return;
    case 'zoho.insert': {
      const { id } = await zoho.insertOne(
        step.module as never,
        zoho.fields.record(step.module as never, step.values as never),
      );
      made.set(step.ref, id);
      return;
    }
    case 'zoho.delete': {
      const existed = await zoho.deleteOne(step.module, step.recordId);
      made.set(`${step.ref}:action`, existed ? 'deleted' : 'unchanged');
      made.set(`${step.ref}:note`, existed ? undefined : step.goneNote);
      return;
    }
    case 'link.delete':
      await deleteLink(db, step.entity, step.zohoId);
      return;
    case 'zoho.upsert_grade': {
      const written = await upsertZohoGrade(
        zoho,
        step.compositeKey,
        step.fields as never,
        step.learningOutcomes as never,
        step.existingId !== undefined ? { existingId: step.existingId } : undefined,
      );
      made.set(step.ref, written.zohoId);
      made.set(`${step.ref}:action`, written.action);
      warnings.push(...written.warnings);
      return;
    }
    case 'link.save':
      await saveLink(db, {
        entity: step.entity,
        zohoId: step.zohoId as string,
        moodleId: step.moodleId as number,
        moodleUserId: (step.moodleUserId ?? null) as number | null,
        fingerprint:
          typeof step.fingerprint === 'object' && step.fingerprint !== null
            ? fingerprint(step.fingerprint.of)
            : step.fingerprint,
        ...(step.state ? { state: step.state } : {}),
        eventId,
      });
      return;
    case 'grade_push.save': {
      const push = { ...step.push, zoho_grade_id: step.push.zoho_grade_id as string, lastEventId: eventId };
      const copyOf = step.dashboardCopyOf as string | null;
      // The push row and the dashboard copy's event commit together: a crash between them would
      // leave a retry finding the grade unchanged and the dashboard copy never queued.
      const queued = await db.transaction(async (transaction) => {
        await saveGradePush(transaction, push as never);
        if (copyOf === null) return false;
        const copy = internalEvent({
          kind: 'zoho.grade',
          eventId: `moodle-grade:${eventId}:${copyOf}`,
          eventType: 'updated',
          recordId: copyOf,
          payload: { cause: 'grade written from Moodle', caused_by_event: eventId },
        });
        return (await recordWebhookEvent(transaction, copy)) !== null;
      });
      made.set('dashboardQueued', queued);
      return;
    }
    case 'event.queue':
      made.set(`queued:${step.event.eventId}`, (await recordWebhookEvent(db, internalEvent(step.event))) !== null);
      return;
    case 'zoho.queue_class_enrollments': {
      // A bulk run of every enrolment syncs them after its classes (dependency order): nothing to queue.
      if (deps.covers?.has('zoho.enrollment')) {
        made.set('enrollmentsQueued', 0);
        return;
      }
      // Enrolments made in Zoho before their class became a course were skipped; now that it is one
      // they are queued (their ids include this event's, so a retried class run queues nothing twice).
      // Zoho ids are digits only, so the id is safe inside the COQL string.
      const field = zoho.fields.name('BTEC_Enrollments', 'class');
      const rows = await zoho.coql(`select id from BTEC_Enrollments where ${field} = '${step.classZohoId}' limit 2000`);
      let queued = 0;
      for (const row of rows) {
        const inserted = await recordWebhookEvent(
          db,
          internalEvent({
            kind: 'zoho.enrollment',
            eventId: `class-course:${eventId}:${row.id}`,
            eventType: 'updated',
            recordId: row.id,
            payload: { cause: 'class became a Moodle course', class_id: step.classZohoId, caused_by_event: eventId },
          }),
        );
        if (inserted !== null) queued++;
      }
      made.set('enrollmentsQueued', queued);
      return;
    }
  }
}

/**
 * A write failed because its Moodle user or course may be gone (deleted by hand in Moodle).
 * When Moodle confirms it, the links pointing at nothing are dropped and the error becomes a
 * retryable one: the retry finds no link, makes the user or course anew, and the write succeeds.
 * When Moodle still has both it returns, and the caller rethrows the original error.
 * @throws RetryableError `moodle.stale_link` naming what was dropped.
 */
async function dropStaleLinks(
  deps: ApplyDeps,
  ids: { userId: number | null; courseId: number | null },
  cause: unknown,
) {
  const { staleUser, staleCourse, what } = await lookForMissing(deps.moodle, ids);
  if (!what) return;
  const dropped = await dropLinksToMissingMoodleObjects(deps.db, {
    userId: staleUser ? ids.userId : null,
    courseId: staleCourse ? ids.courseId : null,
  });
  const names = dropped.map((d) => `${d.entity} ${d.zoho_id}`).join(', ') || 'nothing';
  throw new RetryableError(
    'moodle.stale_link',
    `${what} no longer exist${staleUser && staleCourse ? '' : 's'} in Moodle; dropped the link${dropped.length === 1 ? '' : 's'} of ${names}: the next attempt syncs ${dropped.length === 1 ? 'it' : 'them'} again`,
    { cause },
  );
}

/**
 * Which of a user and a course Moodle no longer has (deleted by hand), and in words: "Moodle
 * user 5", "Moodle course 7", both, or null when Moodle has both.
 */
async function lookForMissing(moodle: MoodleClient, ids: { userId: number | null; courseId: number | null }) {
  const staleUser = ids.userId ? (await moodle.getUsersByField('id', [ids.userId])).every(isDeletedMoodleUser) : false;
  const staleCourse = ids.courseId ? (await moodle.getCourseByField('id', ids.courseId)) === null : false;
  const words = [staleUser ? `Moodle user ${ids.userId}` : null, staleCourse ? `Moodle course ${ids.courseId}` : null];
  return { staleUser, staleCourse, what: words.filter(Boolean).join(' and ') || null };
}

/** A deep copy of `value` with each `{ ref }` replaced by what was made under that name (unmade refs stay). */
function resolveRefs<T>(value: T, made: Map<string, unknown>): T {
  if (isRef(value)) {
    const { ref, asString } = value as Ref;
    if (!made.has(ref)) return value;
    const id = made.get(ref);
    return (asString && id !== null && id !== undefined ? String(id) : id) as T;
  }
  if (Array.isArray(value)) return value.map((item) => resolveRefs(item, made)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, resolveRefs(item, made)])) as T;
  }
  return value;
}
