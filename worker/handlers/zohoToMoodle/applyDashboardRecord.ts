import { createDashboardClient, DashboardRecordError } from '../../../shared/clients/moodle/createDashboardClient.ts';
import { saveLink, type SyncLink } from '../../../shared/db/queries/syncLinks.ts';
import type { DashboardEntity, MappedDashboardRecord } from '../../../shared/domain/dashboard/dashboardRecords.ts';
import { fingerprint } from '../../../shared/domain/sync/fingerprint.ts';
import { dropStaleLinks } from './dropStaleLinks.ts';
import type { EntityResult, ZohoSyncRun } from './zohoSyncRun.ts';

export interface DashboardPush<E extends DashboardEntity> {
  entity: E;
  zohoId: string;
  link: SyncLink | null;
  mapped: MappedDashboardRecord<E>;
  /** The student's Moodle user (null for units, and in a dry run for a student not in Moodle yet). */
  userId: number | null;
  dependencies?: EntityResult[];
}

/**
 * Pushes one dashboard record into the Moodle plugin unless the link says the plugin already
 * has exactly this (same fingerprint of the complete record: no call at all). The plugin's
 * upsert is idempotent by Zoho id, so a retried job never makes two rows. A dry run plans
 * and writes nothing (no Moodle call, no link).
 * @throws DashboardRecordError (permanent) when the plugin refuses the record, naming the field.
 */
export async function applyDashboardRecord<E extends DashboardEntity>(
  run: ZohoSyncRun,
  push: DashboardPush<E>,
): Promise<EntityResult> {
  const { entity, zohoId, link, mapped, userId, dependencies = [] } = push;
  const print = fingerprint(mapped.record);
  const base = {
    entity,
    zohoId,
    ...(userId !== null ? { details: { userId } } : {}),
    ...(mapped.warnings.length ? { warnings: mapped.warnings } : {}),
    ...(dependencies.length ? { dependencies } : {}),
  };
  const linked = link && link.state === 'active' ? link : null;
  if (linked && linked.fingerprint === print) return { ...base, action: 'unchanged', moodleId: linked.moodle_id };
  if (run.dryRun) return { ...base, action: linked ? 'updated' : 'created', moodleId: linked?.moodle_id ?? null };

  let written;
  try {
    written = await createDashboardClient(run.moodle.call).upsertOne(entity, mapped.record);
  } catch (error) {
    // The student's account was deleted in Moodle after we linked it: drop the link and retry
    // (the retry makes the account again). A missing course is the caller's to handle
    // (syncDashboardGrade keeps the grade without its course).
    if (error instanceof DashboardRecordError && error.errorcode === 'usernotfound')
      await dropStaleLinks(run, { userId }, error);
    throw error;
  }
  await saveLink(run.ctx.db, {
    entity,
    zohoId,
    moodleId: written.id,
    moodleUserId: userId,
    fingerprint: print,
    eventId: run.event.id,
  });
  return {
    ...base,
    action: written.status === 'created' || written.status === 'updated' ? written.status : 'unchanged',
    moodleId: written.id,
  };
}

/**
 * The Zoho record is gone (or, for a finance summary, emptied): its dashboard row is deleted from the plugin so the student no
 * longer sees it. The link stays, `suspended`, so a repeated delete event costs nothing (and a
 * record restored from Zoho's recycle bin is pushed again: its fingerprint is cleared).
 */
export async function removeDashboardRecord(
  run: ZohoSyncRun,
  entity: DashboardEntity,
  zohoId: string,
  link: SyncLink | null,
  module: string,
  why = 'deleted in Zoho',
): Promise<EntityResult> {
  if (link?.state === 'suspended') {
    return {
      entity,
      zohoId,
      action: 'unchanged',
      moodleId: link.moodle_id,
      reason: `${module} ${zohoId} ${why}; already removed from the dashboard`,
    };
  }
  if (run.dryRun)
    return {
      entity,
      zohoId,
      action: 'deleted',
      moodleId: link?.moodle_id ?? null,
      reason: `${module} ${zohoId} ${why}`,
    };
  const removed = await createDashboardClient(run.moodle.call).removeOne(entity, zohoId);
  if (link) {
    await saveLink(run.ctx.db, {
      entity,
      zohoId,
      moodleId: link.moodle_id,
      moodleUserId: link.moodle_user_id,
      fingerprint: null,
      state: 'suspended',
      eventId: run.event.id,
    });
  }
  if (removed.status === 'deleted') {
    return {
      entity,
      zohoId,
      action: 'deleted',
      moodleId: removed.id,
      reason: `${module} ${zohoId} ${why}: removed from the dashboard`,
    };
  }
  return {
    entity,
    zohoId,
    action: 'unchanged',
    moodleId: null,
    reason: `${module} ${zohoId} ${why}; it was not on the dashboard`,
  };
}
