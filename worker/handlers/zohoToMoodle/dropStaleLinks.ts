import { sql } from 'slonik';
import { z } from 'zod';
import { RetryableError } from '../../../shared/domain/errors.ts';
import { isDeletedMoodleUser } from './findMoodleUser.ts';
import type { ZohoSyncRun } from './zohoSyncRun.ts';

const droppedSchema = z.object({ entity: z.string(), zoho_id: z.string() });

/**
 * A link may outlive its Moodle object (a user or course deleted by hand in Moodle). When a
 * write fails because of that, this checks Moodle, drops the links that point at nothing, and
 * throws a retryable error: the retry finds no link, syncs the record again (making the user or
 * course anew), and the write succeeds. When Moodle still has both, it returns and the caller
 * rethrows the original error.
 * @throws RetryableError `moodle.stale_link` naming what was dropped.
 */
export async function dropStaleLinks(
  run: ZohoSyncRun,
  ids: { userId?: number | null; courseId?: number | null },
  cause: unknown,
): Promise<void> {
  const staleUser = ids.userId
    ? (await run.moodle.getUsersByField('id', [ids.userId])).every(isDeletedMoodleUser)
    : false;
  const staleCourse = ids.courseId ? (await run.moodle.getCourseByField('id', ids.courseId)) === null : false;
  if (!staleUser && !staleCourse) return;
  const dropped = await run.ctx.db.any(sql.type(droppedSchema)`
    delete from sync_links
     where (${staleUser} and entity in ('student', 'teacher') and moodle_id = ${ids.userId ?? 0})
        or (${staleCourse} and entity = 'class' and moodle_id = ${ids.courseId ?? 0})
    returning entity, zoho_id
  `);
  const what = [staleUser ? `Moodle user ${ids.userId}` : null, staleCourse ? `Moodle course ${ids.courseId}` : null]
    .filter(Boolean)
    .join(' and ');
  throw new RetryableError(
    'moodle.stale_link',
    `${what} no longer exist${staleUser && staleCourse ? '' : 's'} in Moodle; dropped the link${dropped.length === 1 ? '' : 's'} of ${dropped.map((d) => `${d.entity} ${d.zoho_id}`).join(', ') || 'nothing'}: the next attempt syncs ${dropped.length === 1 ? 'it' : 'them'} again`,
    { cause },
  );
}
