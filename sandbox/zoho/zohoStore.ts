import type { ZohoFieldType } from './validateFieldValue.ts';

/** A stored record: its current data and every written version (for the search index lag). */
export interface StoredRecord {
  id: string;
  data: Record<string, unknown>;
  versions: { at: number; data: Record<string, unknown> }[];
}

export interface ZohoStoreOptions {
  /** Module API names that exist (unknown ones → INVALID_MODULE). */
  modules: string[];
  uniqueFields: Record<string, string[]>;
  mandatoryFields: Record<string, string[]>;
  subformFields: Record<string, string[]>;
  fieldTypes: Record<string, Record<string, ZohoFieldType>>;
  now: () => number;
  /** The org's time zone offset, e.g. `+05:30`: Zoho writes datetimes in it, not always in UTC. */
  utcOffset?: string;
}

/**
 * One record written or deleted, as the Notification APIs see it: `before` is null for an insert, `after` null for a
 * delete. Recorded only inside `recordChanges` (so `seed`, which writes outside it, notifies nobody).
 */
export interface RecordChange {
  module: string;
  id: string;
  operation: 'insert' | 'update' | 'delete';
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/** The acting user, as Zoho puts it in Created_By / Modified_By / Owner. */
export const SIMULATOR_USER = { name: 'Simulator Admin', id: '5725767000000411001', email: 'admin@example.test' };

/**
 * The simulated org's data. Ids are 19-digit numeric strings (docs/zoho-fields.md header: "Zoho record ids are
 * 19-digit numeric strings"), one counter for records and subform rows.
 */
export function createZohoStore(options: ZohoStoreOptions) {
  const modules = new Map<string, Map<string, StoredRecord>>();
  for (const name of options.modules) modules.set(name, new Map());
  const uniqueFields = new Map(Object.entries(options.uniqueFields));
  const mandatoryFields = new Map(Object.entries(options.mandatoryFields));
  const subformFields = new Map(Object.entries(options.subformFields));
  const fieldTypes = new Map(Object.entries(options.fieldTypes));
  let counter = 1_000_000;
  let changes: RecordChange[] | null = null;
  const formatTime = (ms: number): string => {
    const offset = options.utcOffset ?? '+00:00';
    const match = /^([+-])(\d{2}):(\d{2})$/.exec(offset);
    if (!match) throw new Error(`simulator: utcOffset ${offset} is not ±HH:MM`);
    const minutes = (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
    return new Date(ms + minutes * 60_000).toISOString().replace(/\.\d{3}Z$/, offset);
  };

  return {
    now: options.now,
    uniqueFields,
    mandatoryFields,
    subformFields,
    fieldTypes,
    hasModule(module: string): boolean {
      return modules.has(module);
    },
    addModule(module: string): void {
      if (!modules.has(module)) modules.set(module, new Map());
    },
    records(module: string): StoredRecord[] {
      return [...(modules.get(module)?.values() ?? [])];
    },
    get(module: string, id: string): StoredRecord | undefined {
      return modules.get(module)?.get(id);
    },
    /** Any record in any module (lookup names). */
    findAnywhere(id: string): StoredRecord | undefined {
      for (const records of modules.values()) {
        const found = records.get(id);
        if (found) return found;
      }
      return undefined;
    },
    newId(): string {
      counter++;
      return `5725767${String(counter).padStart(12, '0')}`;
    },
    /** Zoho's ISO 8601 in the org's offset, no milliseconds, e.g. 2024-05-01T15:50:30+05:30. */
    timestamp(): string {
      return formatTime(options.now());
    },
    /** Any instant (epoch ms, milliseconds dropped) written as `timestamp()` writes now. */
    formatTime,
    /** Runs `fn`, appending every save and remove it makes to `into` (the writes Zoho would notify about). */
    recordChanges<T>(into: RecordChange[], fn: () => T): T {
      const outer = changes;
      changes = into;
      try {
        return fn();
      } finally {
        changes = outer;
      }
    },
    save(module: string, data: Record<string, unknown>): StoredRecord {
      this.addModule(module);
      const records = modules.get(module) as Map<string, StoredRecord>;
      const id = String(data.id);
      const existing = records.get(id);
      const copy = structuredClone(data);
      const stored = existing ?? { id, data: copy, versions: [] };
      changes?.push({
        module,
        id,
        operation: existing ? 'update' : 'insert',
        before: existing ? existing.data : null,
        after: copy,
      });
      stored.data = copy;
      stored.versions.push({ at: options.now(), data: structuredClone(copy) });
      records.set(id, stored);
      return stored;
    },
    /** Deletes a record (as Zoho's recycle bin takes it: gone from the API). */
    remove(module: string, id: string): boolean {
      const existing = modules.get(module)?.get(id);
      if (!existing) return false;
      modules.get(module)?.delete(id);
      changes?.push({ module, id, operation: 'delete', before: existing.data, after: null });
      return true;
    },
    isSubform(module: string, field: string): boolean {
      return subformFields.get(module)?.includes(field) ?? false;
    },
  };
}

export type ZohoStore = ReturnType<typeof createZohoStore>;
