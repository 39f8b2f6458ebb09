import type { MoodleClient } from '../../shared/clients/moodle/createMoodleClient.ts';
import { MoodleConfigurationError } from '../../shared/clients/moodle/moodleErrors.ts';
import type { ZohoClient } from '../../shared/clients/zoho/createZohoClient.ts';
import { ZohoConfigurationError } from '../../shared/clients/zoho/zohoErrors.ts';
import { loadSyncSettings } from '../../shared/db/queries/appSettings.ts';
import type { EventRow } from '../../shared/db/queries/integrationEventsLog.ts';
import { PermanentError } from '../../shared/domain/errors.ts';
import type { EventKind } from '../../shared/domain/events.ts';
import { moodleEnvelopeSchema } from '../../shared/domain/moodle/moodleEventData.ts';
import { recordKey } from '../../shared/domain/recordKey.ts';
import { gateVeto, isDryRunFor } from '../../shared/domain/sync/flowGate.ts';
import { isRef, type EntityResult, type Ref, type SyncStep } from '../../shared/domain/sync/syncPlan.ts';
import type { RunContext, SyncOutcome } from './runContext.ts';
import { applySteps, Replan } from './applySteps.ts';
import { detectOwnWrite } from './detectOwnWrite.ts';
import type { Flow, FlowIO, FlowRegistry, FlowSubject } from './flow.ts';

/** A plan whose apply met what its read did not see (an account made meanwhile) is read and planned once more. */
const MAX_ROUNDS = 2;

/**
 * The one runner of every flow, both directions (docs/pipeline.md): the settings' gate (read per
 * event, so a change applies without a restart), the event's subject, then read → plan → apply,
 * or in a dry run read → plan. The outcome holds the result and the plan (`result.plan`: the
 * steps applied, or in a dry run the steps that would be). Failures are thrown (RetryableError,
 * PermanentError): runSyncTask records them and graphile-worker retries.
 */
export async function runFlow(flows: Partial<FlowRegistry>, ctx: RunContext, event: EventRow): Promise<SyncOutcome> {
  const flow = flowOf(flows, `${event.source}.${event.entity}` as EventKind, event);
  const settings = await loadSyncSettings(ctx.db);
  const veto = gateVeto(settings, flow.gate, event);
  if (veto) return { status: 'skipped', result: { reason: veto } };
  const subject = subjectOf(flow, event);
  const zoho = requireZoho(flow, ctx);
  const moodle = requireMoodle(flow, ctx);

  const ownWrite = event.source === 'zoho' ? await detectOwnWrite(ctx.db, zoho, event) : null;
  if (ownWrite) return skipped(event, ownWrite);

  // bin/sync --dry-run marks its events; system.dry_run covers whole modules.
  const dryRun = isDryRunFor(settings, flow.gate.module) || (event.payload as { dry_run?: unknown }).dry_run === true;
  const readWarnings: string[] = [];
  const io: FlowIO = {
    db: ctx.db,
    log: ctx.log,
    zoho: collectingReadWarnings(zoho, readWarnings),
    moodle,
    settings,
    event,
    verify: (event.payload as { verify?: unknown }).verify === true,
    ensure: async (kind, recordId) => {
      const dependency = flowOf(flows, kind, event);
      const release = await ctx.lockRecord(recordKey('zoho', dependency.gate.module, recordId));
      try {
        return await runPlanned(dependency, io, { recordId, data: undefined as never }, { dryRun, covers: ctx.covers });
      } finally {
        await release();
      }
    },
  };
  const key = flow.lock?.(subject) ?? null;
  const release = key ? await ctx.lockRecord(key) : null;
  try {
    const result = await runPlanned(flow, io, subject, { dryRun, covers: ctx.covers });
    return toOutcome(result, dryRun, readWarnings);
  } finally {
    await release?.();
  }
}

/** Read, plan, and unless a dry run, apply; the result with its plan and the ids the writes made. */
async function runPlanned<S, D>(
  flow: Flow<S, D>,
  io: FlowIO,
  subject: FlowSubject<D>,
  { dryRun, covers }: { dryRun: boolean; covers: RunContext['covers'] },
): Promise<EntityResult> {
  for (let round = 1; ; round++) {
    const state = await flow.read(io, subject);
    const { result, steps } = flow.plan(state, io.settings);
    if (dryRun) return withoutRefs(result, steps);
    if (steps.length === 0) return result;
    try {
      const applied = await applySteps(steps, { db: io.db, zoho: io.zoho, moodle: io.moodle, event: io.event, covers });
      const resolved = applied.resolve({ ...result, plan: steps });
      if (applied.warnings.length) resolved.warnings = [...(resolved.warnings ?? []), ...applied.warnings];
      return resolved;
    } catch (error) {
      if (error instanceof Replan && round < MAX_ROUNDS) continue;
      throw error instanceof Replan ? error.cause : error;
    }
  }
}

function flowOf(flows: Partial<FlowRegistry>, kind: EventKind, event: EventRow): Flow {
  const entry = flows[kind] as Flow | ((event: EventRow) => Flow) | undefined;
  if (!entry) throw new PermanentError('handler.missing', `no flow for ${kind} events in this version`);
  return typeof entry === 'function' ? entry(event) : entry;
}

/** The record id, and for Moodle flows their data validated (a malformed payload fails permanently, naming the fields). */
function subjectOf<D>(flow: Flow<unknown, D>, event: EventRow): FlowSubject<D> {
  if (!flow.data) {
    if (!event.record_id) throw new PermanentError('event.no_record', `${event.module} event without a record id`);
    return { recordId: event.record_id, data: undefined as D };
  }
  const envelope =
    flow.data.in === 'payload'
      ? { success: true as const, data: { data: event.payload } }
      : moodleEnvelopeSchema.safeParse(event.payload);
  const parsed = envelope.success ? flow.data.schema.safeParse(envelope.data.data) : envelope;
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((issue) => `${['data', ...issue.path.map(String)].join('.')} ${issue.message}`)
      .join('; ');
    throw new PermanentError('moodle.invalid_payload', `${event.entity} event ${event.event_id}: ${issues}`);
  }
  return { recordId: event.record_id ?? '', data: parsed.data as D };
}

function requireZoho(flow: Flow, ctx: RunContext): ZohoClient {
  const { zoho } = ctx.clients;
  if (zoho) return zoho;
  if (!flow.gate.needs.includes('zoho')) return unconfigured('zoho') as ZohoClient;
  throw zohoNotConfigured();
}

function requireMoodle(flow: Flow, ctx: RunContext): MoodleClient {
  const { moodle } = ctx.clients;
  if (moodle) return moodle;
  if (!flow.gate.needs.includes('moodle')) return unconfigured('moodle') as MoodleClient;
  throw moodleNotConfigured();
}

const zohoNotConfigured = () =>
  new ZohoConfigurationError(
    'zoho.not_configured',
    'Zoho is not configured (ZOHO_ACCOUNTS_URL, ZOHO_CLIENT_ID, ZOHO_CLIENT_SECRET, ZOHO_REFRESH_TOKEN, ENCRYPTION_KEY)',
  );
const moodleNotConfigured = () =>
  new MoodleConfigurationError('moodle.not_configured', 'Moodle is not configured (MOODLE_URL, MOODLE_TOKEN)');

/** A client a flow may do without: used anyway, it fails as the configuration error it is. */
function unconfigured(which: 'zoho' | 'moodle'): unknown {
  return new Proxy(
    {},
    {
      get: () => {
        throw which === 'zoho' ? zohoNotConfigured() : moodleNotConfigured();
      },
    },
  );
}

/**
 * The client for one event, whose record reads add their warnings (a picklist value the org's
 * list lacks, kept as it is) to `sink`: they end in the event's result with the flow's own.
 */
function collectingReadWarnings(zoho: ZohoClient, sink: string[]): ZohoClient {
  return {
    ...zoho,
    async fetchRecord(module, id) {
      const { record, warnings } = await zoho.fetchRecordChecked(module, id);
      sink.push(...warnings);
      return record;
    },
  };
}

function skipped(event: EventRow, reason: string): SyncOutcome {
  return { status: 'skipped', result: { entity: event.entity, zohoId: event.record_id, action: 'skipped', reason } };
}

/**
 * In a dry run what a write would make has no id: the result says null, the plan keeps the refs.
 * What only a write tells (the plugin's created / updated / unchanged) is what the step would be.
 */
function withoutRefs(result: EntityResult, steps: SyncStep[]): EntityResult {
  const copy: EntityResult = { ...result };
  for (const [key, value] of Object.entries(copy)) if (isRef(value)) copy[key] = null;
  const stepOf = (value: Ref) => steps.find((step) => 'ref' in step && step.ref === value.ref.split(':')[0]);
  if (isRef(result.action)) {
    const step = stepOf(result.action);
    copy.action = wouldBe(step) as EntityResult['action'];
  }
  if (isRef(result.reason)) {
    const step = stepOf(result.reason);
    if (step?.op === 'dashboard.remove') copy.reason = step.reason;
    else delete copy.reason;
  }
  return steps.length ? { ...copy, plan: steps } : copy;
}

/** What a step whose outcome only the write tells would be, for a dry run's result. */
function wouldBe(step: SyncStep | undefined): string {
  switch (step?.op) {
    case 'dashboard.remove':
    case 'zoho.delete':
      return 'deleted';
    case 'dashboard.upsert':
      return step.wouldBe;
    case 'zoho.upsert_grade':
      return step.existingId ? 'updated' : 'created';
    default:
      return 'updated';
  }
}

function toOutcome(result: EntityResult, dryRun: boolean, readWarnings: string[]): SyncOutcome {
  const warnings = [...new Set([...readWarnings, ...(result.warnings ?? [])])];
  const body: Record<string, unknown> = { ...result, ...(warnings.length ? { warnings } : {}) };
  const action = String(result.action);
  if (dryRun) {
    const why = typeof result.reason === 'string' ? ` (${result.reason})` : '';
    return {
      status: 'skipped',
      result: { ...body, dryRun: true, reason: `dry run: would be ${action}${why}; nothing written` },
    };
  }
  if (action === 'skipped')
    return { status: 'skipped', result: { ...body, reason: String(result.reason ?? 'skipped') } };
  return { status: 'completed', result: body };
}
