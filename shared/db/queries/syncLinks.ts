import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { LINK_ENTITIES, type LinkEntity } from '../../domain/events.ts';

const linkRowSchema = z.object({
  entity: z.enum(LINK_ENTITIES),
  zoho_id: z.string(),
  moodle_id: z.coerce.number(),
  moodle_user_id: z.coerce.number().nullable(),
  fingerprint: z.string().nullable(),
  state: z.enum(['active', 'suspended']),
  synced_at: z.coerce.date(),
});
export type SyncLink = z.infer<typeof linkRowSchema>;

export interface LinkUpdate {
  entity: LinkEntity;
  zohoId: string;
  moodleId: number;
  moodleUserId?: number | null;
  fingerprint: string | null;
  state?: 'active' | 'suspended';
  eventId?: number | null;
}

export async function getLink(db: CommonQueryMethods, entity: LinkEntity, zohoId: string): Promise<SyncLink | null> {
  return db.maybeOne(sql.type(linkRowSchema)`
    select entity, zoho_id, moodle_id, moodle_user_id, fingerprint, state, synced_at
      from sync_links where entity = ${entity} and zoho_id = ${zohoId}
  `);
}

/** The Zoho record linked to a Moodle object (`moodleUserId` for enrolments). */
export async function findLinkByMoodleId(
  db: CommonQueryMethods,
  entity: LinkEntity,
  moodleId: number,
  moodleUserId?: number,
): Promise<SyncLink | null> {
  return db.maybeOne(sql.type(linkRowSchema)`
    select entity, zoho_id, moodle_id, moodle_user_id, fingerprint, state, synced_at
      from sync_links
     where entity = ${entity} and moodle_id = ${moodleId}
       and (${moodleUserId ?? null}::bigint is null or moodle_user_id = ${moodleUserId ?? null})
     order by synced_at desc limit 1
  `);
}

export async function saveLink(db: CommonQueryMethods, link: LinkUpdate): Promise<void> {
  await db.query(sql.unsafe`
    insert into sync_links (entity, zoho_id, moodle_id, moodle_user_id, fingerprint, state, last_event_id)
    values (${link.entity}, ${link.zohoId}, ${link.moodleId}, ${link.moodleUserId ?? null}, ${link.fingerprint},
            ${link.state ?? 'active'}, ${link.eventId ?? null})
    on conflict (entity, zoho_id) do update set
      moodle_id = excluded.moodle_id,
      moodle_user_id = excluded.moodle_user_id,
      fingerprint = excluded.fingerprint,
      state = excluded.state,
      last_event_id = coalesce(excluded.last_event_id, sync_links.last_event_id),
      synced_at = now()
  `);
}

/** Forgets a link (its Zoho record was deleted because the Moodle object it mirrored is gone). */
export async function deleteLink(db: CommonQueryMethods, entity: LinkEntity, zohoId: string): Promise<void> {
  await db.query(sql.unsafe`delete from sync_links where entity = ${entity} and zoho_id = ${zohoId}`);
}

/** The Moodle courses of the classes linked and live, in id order (the nightly BTEC rules' scope). */
export async function activeClassCourseIds(db: CommonQueryMethods): Promise<number[]> {
  const rows = await db.any(
    sql.type(z.object({ moodle_id: z.coerce.number() }))`
      select moodle_id from sync_links where entity = 'class' and state = 'active' order by moodle_id`,
  );
  return rows.map((row) => row.moodle_id);
}

/** The Zoho ids of an entity's live links: a whole-module bulk run looks again at those Zoho no longer lists (deleted there). */
export async function liveLinkZohoIds(db: CommonQueryMethods, entity: LinkEntity): Promise<string[]> {
  const rows = await db.any(
    sql.type(z.object({ zoho_id: z.string() }))`
      select zoho_id from sync_links where entity = ${entity} and state = 'active' order by zoho_id`,
  );
  return rows.map((row) => row.zoho_id);
}

/** Live class courses, and the students the sync enrolled in each (its live enrollment links): the drift report's enrolment check. */
export async function liveCourseEnrolments(
  db: CommonQueryMethods,
): Promise<{ classZohoId: string; courseId: number; userIds: number[] }[]> {
  const rows = await db.any(
    sql.type(z.object({ zoho_id: z.string(), moodle_id: z.coerce.number(), user_ids: z.array(z.coerce.number()) }))`
      select c.zoho_id, c.moodle_id,
             coalesce(array_agg(e.moodle_user_id) filter (where e.moodle_user_id is not null), '{}') as user_ids
        from sync_links c
        left join sync_links e on e.entity = 'enrollment' and e.state = 'active' and e.moodle_id = c.moodle_id
       where c.entity = 'class' and c.state = 'active'
       group by c.zoho_id, c.moodle_id
       order by c.moodle_id`,
  );
  return rows.map((row) => ({ classZohoId: row.zoho_id, courseId: row.moodle_id, userIds: row.user_ids }));
}
