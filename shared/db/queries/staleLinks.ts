import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

const droppedSchema = z.object({ entity: z.string(), zoho_id: z.string() });

/**
 * Drops the links that point at a Moodle user or course that no longer exists (deleted by hand
 * in Moodle): people's links for the user, classes' for the course. The next sync of those
 * records finds no link and makes the object anew.
 * @returns the links dropped.
 */
export async function dropLinksToMissingMoodleObjects(
  db: CommonQueryMethods,
  missing: { userId: number | null; courseId: number | null },
): Promise<readonly { entity: string; zoho_id: string }[]> {
  return db.any(sql.type(droppedSchema)`
    delete from sync_links
     where (entity in ('student', 'teacher') and moodle_id = ${missing.userId ?? 0} and ${missing.userId !== null})
        or (entity = 'class' and moodle_id = ${missing.courseId ?? 0} and ${missing.courseId !== null})
    returning entity, zoho_id
  `);
}
