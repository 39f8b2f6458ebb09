import type { DashboardEntity } from '../dashboard/dashboardRecords.ts';
import { fingerprint } from './fingerprint.ts';
import { ref, type EntityResult, type IdOrRef, type SyncPlan } from './syncPlan.ts';

/** What a dashboard flow knows of its row from sync_links. */
export interface DashboardLinkState {
  moodle_id: number;
  moodle_user_id: number | null;
  fingerprint: string | null;
  state: 'active' | 'suspended';
}

export interface DashboardPush {
  entity: DashboardEntity;
  zohoId: string;
  link: DashboardLinkState | null;
  /** The record the plugin is to hold, as mapped from Zoho, with the mapping's warnings. */
  mapped: { record: object; warnings: string[] };
  /**
   * The student's Moodle user (null for units), written into the record as its `userid`: an id,
   * or the ref of an account this run makes.
   */
  userId: IdOrRef | null;
  dependencies?: EntityResult[];
  /** The same record without its course, for when the plugin no longer knows the course. */
  withoutCourse?: { record: object; warning: string };
}

const withUser = (record: object, userId: IdOrRef | null): Record<string, unknown> =>
  userId === null ? { ...record } : { ...record, userid: userId };

/**
 * One dashboard record into the Moodle plugin, unless the link says the plugin already has
 * exactly this (same fingerprint of the complete record: no call at all). The plugin's upsert is
 * idempotent by Zoho id, so a retried job never makes two rows; it answers created, updated or
 * unchanged, which the result reports.
 */
export function planDashboardPush(push: DashboardPush): SyncPlan {
  const { entity, zohoId, link, userId, dependencies = [] } = push;
  const record = withUser(push.mapped.record, userId);
  const { warnings } = push.mapped;
  const print = fingerprint(record);
  const result: EntityResult = {
    entity,
    zohoId,
    action: ref('row:action'),
    moodleId: ref('row'),
    ...(userId !== null ? { details: { userId } } : {}),
    ...(warnings.length ? { warnings } : {}),
    ...(dependencies.length ? { dependencies } : {}),
  };
  const linked = link && link.state === 'active' ? link : null;
  if (linked && linked.fingerprint === print)
    return { result: { ...result, action: 'unchanged', moodleId: linked.moodle_id }, steps: [] };
  const userForStaleCheck = typeof userId === 'number' ? userId : null;
  return {
    result,
    steps: [
      {
        op: 'dashboard.upsert',
        ref: 'row',
        entity,
        record,
        userId: userForStaleCheck,
        wouldBe: linked ? 'updated' : 'created',
        ...(push.withoutCourse
          ? { withoutCourse: { ...push.withoutCourse, record: withUser(push.withoutCourse.record, userId) } }
          : {}),
      },
      {
        op: 'link.save',
        entity,
        zohoId,
        moodleId: ref('row'),
        moodleUserId: userId,
        // A record naming an account this plan creates is fingerprinted with the account's id, once made.
        fingerprint: typeof userId === 'number' || userId === null ? print : { of: record },
      },
    ],
  };
}

/**
 * The Zoho record is gone (or, for a finance summary, emptied): its dashboard row is deleted
 * from the plugin so the student no longer sees it. The link stays, `suspended`, so a repeated
 * delete costs nothing (and a record restored from Zoho's recycle bin is pushed again: its
 * fingerprint is cleared).
 */
export function planDashboardRemoval(
  entity: DashboardEntity,
  zohoId: string,
  link: DashboardLinkState | null,
  module: string,
  why = 'deleted in Zoho',
): SyncPlan {
  if (link?.state === 'suspended') {
    return {
      result: {
        entity,
        zohoId,
        action: 'unchanged',
        moodleId: link.moodle_id,
        reason: `${module} ${zohoId} ${why}; already removed from the dashboard`,
      },
      steps: [],
    };
  }
  return {
    result: { entity, zohoId, action: ref('row:action'), moodleId: ref('row'), reason: ref('row:reason') },
    steps: [
      { op: 'dashboard.remove', ref: 'row', entity, zohoId, reason: `${module} ${zohoId} ${why}` },
      ...(link
        ? [
            {
              op: 'link.save' as const,
              entity,
              zohoId,
              moodleId: link.moodle_id,
              moodleUserId: link.moodle_user_id,
              fingerprint: null,
              state: 'suspended' as const,
            },
          ]
        : []),
    ],
  };
}
