/**
 * The key of one record as the worker locks and coalesces it: `source:module:record id`
 * (`zoho:BTEC_Students:5843…`, `moodle:BTEC_Grades:12_3_45`). An event without a record id
 * stands for itself (`event-<row id>`). shared/db/queries/eventRuns.ts `recordLockKeySql`
 * builds the same key in SQL.
 */
export function recordKey(source: string, module: string, recordId: string): string {
  return `${source}:${module}:${recordId}`;
}

/** The record key of an event row. */
export function eventRecordKey(event: {
  source: string;
  module: string;
  record_id: string | null;
  id: number;
}): string {
  return recordKey(event.source, event.module, event.record_id ?? `event-${event.id}`);
}
