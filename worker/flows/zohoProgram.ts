import type { MoodleCategory } from '../../shared/clients/moodle/moodleSchemas.ts';
import { getLink, type SyncLink } from '../../shared/db/queries/syncLinks.ts';
import { PermanentError } from '../../shared/domain/errors.ts';
import { fingerprint } from '../../shared/domain/sync/fingerprint.ts';
import { mapProgramToCategory, type DesiredCategory } from '../../shared/domain/sync/mapProgramToCategory.ts';
import { ref, skipPlan, type EntityResult, type IdOrRef, type SyncPlan } from '../../shared/domain/sync/syncPlan.ts';
import { defineFlow, linkToTrust, type FlowIO } from '../pipeline/flow.ts';

export type ProgramState =
  | { zohoId: string; link: SyncLink | null; deleted: true }
  | {
      zohoId: string;
      link: SyncLink | null;
      deleted: false;
      desired: DesiredCategory;
      print: string;
      /** What Moodle has, in the order it is looked for (not read when the link's fingerprint matches). */
      byLink: MoodleCategory | null;
      byIdnumber: MoodleCategory | null;
      /** The category the program's `MoodleID` names (read only when it has one and nothing else matched). */
      byMoodleId: { id: number; category: MoodleCategory | null } | null;
    };

async function readProgram(io: FlowIO, zohoId: string): Promise<ProgramState> {
  const link = linkToTrust(io, await getLink(io.db, 'program', zohoId));
  const record = await io.zoho.fetchRecord('Products', zohoId);
  if (!record) return { zohoId, link, deleted: true };
  const desired = mapProgramToCategory(record);
  const print = fingerprint(desired);
  const state = {
    zohoId,
    link,
    deleted: false as const,
    desired,
    print,
    byLink: null,
    byIdnumber: null,
    byMoodleId: null,
  };
  if (link && link.fingerprint === print) return state;
  const byLink = link ? await io.moodle.getCategoryById(link.moodle_id) : null;
  const byIdnumber = byLink ? null : await io.moodle.getCategoryByIdnumber(zohoId);
  const moodleId = desired.existingCategoryId;
  const byMoodleId =
    byLink || byIdnumber || moodleId === null
      ? null
      : { id: moodleId, category: await io.moodle.getCategoryById(moodleId) };
  return { ...state, byLink, byIdnumber, byMoodleId };
}

/**
 * A Zoho program (Products) → its Moodle course category: found by the link, by idnumber =
 * Zoho id, or by the program's `MoodleID` (a category the college made by hand, then linked);
 * created otherwise; renamed when the program is. A program deleted in Zoho keeps its category:
 * courses and their grades live in it. Pure.
 * @throws PermanentError when `MoodleID` names no category, or one that belongs to another program.
 */
export function planProgram(state: ProgramState): SyncPlan {
  const { zohoId, link } = state;
  if (state.deleted) {
    return skipPlan({
      entity: 'program',
      zohoId,
      moodleId: link?.moodle_id ?? null,
      reason: 'deleted in Zoho; the Moodle category is kept (its courses and grades live in it)',
    });
  }
  const { desired, print } = state;
  if (link && link.fingerprint === print) {
    return { result: { entity: 'program', zohoId, action: 'unchanged', moodleId: link.moodle_id }, steps: [] };
  }

  let existing: MoodleCategory | null = state.byLink;
  let linkedBy: EntityResult['linkedBy'];
  if (!existing && state.byIdnumber) {
    existing = state.byIdnumber;
    linkedBy = 'idnumber';
  }
  if (!existing && state.byMoodleId) {
    const { id, category } = state.byMoodleId;
    if (!category) {
      throw new PermanentError(
        'moodle.not_found',
        `Products ${zohoId}: MoodleID ${id} names no Moodle course category; correct or clear it`,
      );
    }
    if (category.idnumber && category.idnumber !== zohoId) {
      throw new PermanentError(
        'moodle.conflict',
        `Products ${zohoId}: MoodleID ${category.id} is a category that belongs to Zoho record ${category.idnumber}`,
      );
    }
    existing = category;
    linkedBy = 'zoho_moodle_id';
  }

  if (!existing) {
    return {
      result: {
        entity: 'program',
        zohoId,
        action: 'created',
        moodleId: ref('category'),
        changes: ['name', 'idnumber'],
      },
      steps: [
        { op: 'moodle.create_category', ref: 'category', category: { name: desired.name, idnumber: zohoId } },
        { op: 'link.save', entity: 'program', zohoId, moodleId: ref('category'), fingerprint: print },
      ],
    };
  }
  const changes: { name?: string; idnumber?: string } = {};
  if (existing.name !== desired.name) changes.name = desired.name;
  if (!existing.idnumber) changes.idnumber = zohoId;
  const fields = Object.keys(changes);
  return {
    result: {
      entity: 'program',
      zohoId,
      action: fields.length ? 'updated' : 'unchanged',
      moodleId: existing.id,
      ...(fields.length ? { changes: fields } : {}),
      ...(linkedBy ? { linkedBy } : {}),
    },
    steps: [
      ...(fields.length ? [{ op: 'moodle.update_category' as const, categoryId: existing.id, changes }] : []),
      { op: 'link.save', entity: 'program', zohoId, moodleId: existing.id, fingerprint: print },
    ],
  };
}

/**
 * The category of a program a class needs: the link's, else the program's own flow runs first
 * and its result joins `dependencies`. In a dry run, a category that would be made is a ref.
 * @throws PermanentError `dependency.unavailable` when the program has no category (deleted in Zoho).
 */
export async function ensureProgram(io: FlowIO, zohoId: string, dependencies: EntityResult[]): Promise<IdOrRef> {
  const link = await getLink(io.db, 'program', zohoId);
  if (link) return link.moodle_id;
  const result = await io.ensure('zoho.program', zohoId);
  dependencies.push(result);
  if (typeof result.moodleId === 'number') return result.moodleId;
  if (result.action === 'created') return ref(`program:${zohoId}`);
  throw new PermanentError(
    'dependency.unavailable',
    `program ${zohoId} has no Moodle category: ${String(result.reason ?? result.action)}`,
  );
}

/** `zoho.program`: always Zoho → Moodle. */
export const zohoProgram = defineFlow<ProgramState>({
  kind: 'zoho.program',
  gate: { module: 'Products', direction: null, needs: ['zoho', 'moodle'] },
  read: (io, { recordId }) => readProgram(io, recordId),
  plan: planProgram,
});
