/**
 * The drift report (bin/sync --check; docs/design.md "The bulk path"): a verify run plans every
 * record against what Moodle has now and writes nothing; this sorts what each record's plan
 * says into what an operator reads. Pure.
 */

/** Errors that say the Zoho record itself is wrong (fix it in Zoho), as opposed to a failed sync. */
export const INVALID_CODES: ReadonlySet<string> = new Set([
  'zoho.invalid_record',
  'zoho.missing_email',
  'zoho.invalid_email',
  'zoho.missing_name',
  'zoho.missing_field',
  'zoho.invalid_dates',
  'moodle.conflict',
]);

export const DRIFT_COLUMNS = [
  'in sync',
  'missing in Moodle',
  'differs',
  'deleted in Zoho',
  'invalid',
  'failed',
  'skipped',
  'waiting',
] as const;
export type DriftColumn = (typeof DRIFT_COLUMNS)[number];

/** One record of a verify run, as its event ended. */
export interface DriftRecord {
  entity: string;
  recordId: string;
  status: string;
  /** What the plan would do: created, updated, unchanged, suspended, deleted, skipped… */
  action: string | null;
  changes: string[] | null;
  errorCode: string | null;
  error: string | null;
  reason: string | null;
  /** Linked by the sync, and no longer listed by Zoho. */
  gone: boolean;
  /** The sync had linked it to a Moodle object. */
  linked: boolean;
}

export interface DriftItem {
  entity: string;
  recordId: string;
  column: Exclude<DriftColumn, 'in sync' | 'skipped'>;
  detail: string;
}

export interface DriftSummary {
  counts: Record<string, Record<DriftColumn, number>>;
  /** Every record not in step (skipped ones aside), with what differs. */
  items: DriftItem[];
}

export function summariseDrift(records: readonly DriftRecord[]): DriftSummary {
  const counts: DriftSummary['counts'] = {};
  const items: DriftItem[] = [];
  for (const record of records) {
    const { column, detail } = classify(record);
    const row = (counts[record.entity] ??= Object.fromEntries(DRIFT_COLUMNS.map((c) => [c, 0])) as Record<
      DriftColumn,
      number
    >);
    row[column]++;
    // Skipped is no drift: a class not yet to be a course, a withdrawn student with no account…
    if (column !== 'in sync' && column !== 'skipped')
      items.push({ entity: record.entity, recordId: record.recordId, column, detail });
  }
  return { counts, items };
}

function classify(record: DriftRecord): { column: DriftColumn; detail: string } {
  if (record.status === 'failed') {
    const column = record.errorCode && INVALID_CODES.has(record.errorCode) ? 'invalid' : 'failed';
    return { column, detail: record.error ?? record.errorCode ?? 'failed' };
  }
  if (!['completed', 'skipped', 'cancelled'].includes(record.status))
    return { column: 'waiting', detail: record.status };
  const fields = record.changes?.length ? record.changes.join(', ') : '';
  switch (record.action) {
    case 'unchanged':
      return { column: 'in sync', detail: '' };
    case 'created':
      return {
        column: 'missing in Moodle',
        detail: record.linked ? 'the Moodle object it was linked to no longer exists' : 'not in Moodle',
      };
    case 'suspended':
    case 'deleted':
      if (record.gone || /deleted in Zoho/i.test(record.reason ?? ''))
        return { column: 'deleted in Zoho', detail: `still live in Moodle: would be ${record.action}` };
      return { column: 'differs', detail: fields || record.action };
    case 'updated':
    case 'linked':
      return { column: 'differs', detail: fields || record.action };
    default:
      return { column: 'skipped', detail: record.reason ?? record.action ?? 'skipped' };
  }
}
