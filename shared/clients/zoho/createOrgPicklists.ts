import type { Logger } from 'pino';
import type { OrgPicklists } from '../../domain/zoho/checkPicklistValues.ts';
import type { ZohoFieldMetadata } from './zohoFieldMetadata.ts';

export interface OrgPicklistsOptions {
  /** Zoho's fields metadata of one module (`GET /settings/fields?module=`). */
  fetchFields: (module: string) => Promise<ZohoFieldMetadata[]>;
  log: Logger;
  /** How long a module's lists are used before they are read again (default 1 h). */
  ttlMs?: number;
  /** At most one early re-read a module in this time, when a value is unknown (default 5 min). */
  refreshIntervalMs?: number;
  now?: () => number;
}

interface Entry {
  lists: OrgPicklists | undefined;
  fetchedAt: number;
}

/**
 * The org's picklist values per module, read from Zoho's fields metadata and cached: Zoho
 * admins add values whenever they like, so the shipped lists are only the default. A read that
 * fails (e.g. the token lacks `ZohoCRM.settings.fields.READ`) is logged once and leaves the
 * shipped lists in use until the next try; it never fails an event.
 */
export function createOrgPicklists(options: OrgPicklistsOptions) {
  const ttlMs = options.ttlMs ?? 3_600_000;
  const refreshIntervalMs = options.refreshIntervalMs ?? 300_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, Entry>();
  const pending = new Map<string, Promise<OrgPicklists | undefined>>();
  const warned = new Set<string>();

  const load = (module: string): Promise<OrgPicklists | undefined> => {
    const running = pending.get(module);
    if (running) return running;
    const loading = options
      .fetchFields(module)
      .then(
        (fields) => {
          warned.delete(module);
          const lists = new Map<string, string[]>();
          for (const field of fields) if (field.picklist) lists.set(field.apiName, field.picklist);
          return lists as OrgPicklists;
        },
        (error: unknown) => {
          if (!warned.has(module)) {
            warned.add(module);
            options.log.warn(
              { module, err: error instanceof Error ? error.message : String(error) },
              `Zoho's field metadata of ${module} could not be read: picklist values are checked against the shipped lists (grant the scope ZohoCRM.settings.fields.READ; bin/doctor checks it)`,
            );
          }
          return undefined;
        },
      )
      .then((lists) => {
        cache.set(module, { lists, fetchedAt: now() });
        pending.delete(module);
        return lists;
      });
    pending.set(module, loading);
    return loading;
  };

  return {
    /** The module's lists (cached up to `ttlMs`); undefined when Zoho's metadata is unreadable. */
    async get(module: string): Promise<OrgPicklists | undefined> {
      const entry = cache.get(module);
      if (entry && now() - entry.fetchedAt < ttlMs) return entry.lists;
      return load(module);
    },
    /**
     * Reads the module's lists again when a value was unknown, unless they were read within
     * `refreshIntervalMs` (a record holding a stale value must not cost a call every event).
     * @returns the lists then in use.
     */
    async refresh(module: string): Promise<OrgPicklists | undefined> {
      const entry = cache.get(module);
      if (entry && now() - entry.fetchedAt < refreshIntervalMs) return entry.lists;
      return load(module);
    },
  };
}

export type OrgPicklistsCache = ReturnType<typeof createOrgPicklists>;
