import type { MoodleCategory } from '../../../shared/clients/moodle/moodleSchemas.ts';
import { getLink, saveLink } from '../../../shared/db/queries/syncLinks.ts';
import { PermanentError } from '../../../shared/domain/errors.ts';
import { fingerprint } from '../../../shared/domain/sync/fingerprint.ts';
import { mapProgramToCategory } from '../../../shared/domain/sync/mapProgramToCategory.ts';
import type { EntityResult, ZohoSyncRun } from './zohoSyncRun.ts';

/**
 * A Zoho program (Products) → its Moodle course category: found by the link, by idnumber
 * = Zoho id, or by the program's `MoodleID` (a category the college made by hand, then
 * linked); created otherwise; renamed when the program is. A program deleted in Zoho keeps
 * its category: courses and their grades live in it.
 */
export async function syncProgram(run: ZohoSyncRun, zohoId: string): Promise<EntityResult> {
  const link = await getLink(run.ctx.db, 'program', zohoId);
  const record = await run.zoho.fetchRecord('Products', zohoId);
  if (!record) {
    return {
      entity: 'program',
      zohoId,
      action: 'skipped',
      moodleId: link?.moodle_id ?? null,
      reason: 'deleted in Zoho; the Moodle category is kept (its courses and grades live in it)',
    };
  }
  const desired = mapProgramToCategory(record);
  const print = fingerprint(desired);
  if (link && link.fingerprint === print)
    return { entity: 'program', zohoId, action: 'unchanged', moodleId: link.moodle_id };

  let existing: MoodleCategory | null = link ? await run.moodle.getCategoryById(link.moodle_id) : null;
  let linkedBy: EntityResult['linkedBy'];
  if (!existing) {
    existing = await run.moodle.getCategoryByIdnumber(zohoId);
    if (existing) linkedBy = 'idnumber';
  }
  if (!existing && desired.existingCategoryId !== null) {
    existing = await run.moodle.getCategoryById(desired.existingCategoryId);
    if (!existing)
      throw new PermanentError(
        'moodle.not_found',
        `Products ${zohoId}: MoodleID ${desired.existingCategoryId} names no Moodle course category; correct or clear it`,
      );
    if (existing.idnumber && existing.idnumber !== zohoId) {
      throw new PermanentError(
        'moodle.conflict',
        `Products ${zohoId}: MoodleID ${existing.id} is a category that belongs to Zoho record ${existing.idnumber}`,
      );
    }
    linkedBy = 'zoho_moodle_id';
  }

  let result: EntityResult;
  if (!existing) {
    result = { entity: 'program', zohoId, action: 'created', moodleId: null, changes: ['name', 'idnumber'] };
    if (!run.dryRun) {
      const [created] = await run.moodle.createCategories([{ name: desired.name, idnumber: zohoId }]);
      result.moodleId = created!.id;
    }
  } else {
    const changes: { name?: string; idnumber?: string } = {};
    if (existing.name !== desired.name) changes.name = desired.name;
    if (!existing.idnumber) changes.idnumber = zohoId;
    const fields = Object.keys(changes);
    result = {
      entity: 'program',
      zohoId,
      action: fields.length ? 'updated' : 'unchanged',
      moodleId: existing.id,
      ...(fields.length ? { changes: fields } : {}),
      ...(linkedBy ? { linkedBy } : {}),
    };
    if (fields.length && !run.dryRun) await run.moodle.updateCategories([{ id: existing.id, ...changes }]);
  }
  if (!run.dryRun)
    await saveLink(run.ctx.db, {
      entity: 'program',
      zohoId,
      moodleId: result.moodleId!,
      fingerprint: print,
      eventId: run.event.id,
    });
  return result;
}

/** The category id of a program a class needs, syncing the program first when it is not linked. Null only in a dry run. */
export async function ensureProgram(
  run: ZohoSyncRun,
  zohoId: string,
  dependencies: EntityResult[],
): Promise<number | null> {
  const link = await getLink(run.ctx.db, 'program', zohoId);
  if (link) return link.moodle_id;
  const release = await run.ctx.lockRecord(`zoho:Products:${zohoId}`);
  try {
    const result = await syncProgram(run, zohoId);
    dependencies.push(result);
    if (result.moodleId === null && !run.dryRun) {
      throw new PermanentError(
        'dependency.unavailable',
        `program ${zohoId} has no Moodle category: ${result.reason ?? result.action}`,
      );
    }
    return result.moodleId;
  } finally {
    await release();
  }
}
