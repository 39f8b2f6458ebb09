import type { Logger } from 'pino';
import type { CommonQueryMethods } from 'slonik';
import type { ZohoClient } from '../../shared/clients/zoho/createZohoClient.ts';
import { channelTokenDigest, newChannelId, newChannelToken } from '../../shared/crypto/channelToken.ts';
import { loadSyncSettings } from '../../shared/db/queries/appSettings.ts';
import {
  deleteZohoChannel,
  listZohoChannels,
  markZohoChannelRenewalFailed,
  markZohoChannelRenewed,
  saveZohoChannel,
  type ZohoChannelRow,
} from '../../shared/db/queries/zohoChannels.ts';
import { ZOHO_MODULES } from '../../shared/domain/events.ts';
import {
  CHANNEL_LIFETIME_MS,
  channelEvents,
  NOTIFY_PATH,
  planConnect,
  planRenewals,
  type ChannelStep,
  type KnownChannel,
} from '../../shared/domain/zoho/zohoNotifications.ts';

export interface ChannelDeps {
  db: CommonQueryMethods;
  zoho: ZohoClient;
  log: Logger;
  now?: () => Date;
}

/** What was done to one channel, for bin/zoho and the logs. */
export interface ChannelReport {
  step: ChannelStep['kind'];
  module: string;
  channelId: string | null;
  ok: boolean;
  expiresAt?: Date;
  detail: string;
}

/** `PUBLIC_URL` + the callback route; a path on PUBLIC_URL is kept (a service behind a prefix). */
export function notifyUrlFor(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${NOTIFY_PATH}`;
}

/** Modules a channel is wanted for: every module the sync handles, unless switched off. */
export async function enabledModules(db: CommonQueryMethods): Promise<string[]> {
  const settings = await loadSyncSettings(db);
  return Object.values(ZOHO_MODULES).filter((module) => settings['modules.enabled'][module] !== false);
}

const known = (rows: readonly ZohoChannelRow[]): KnownChannel[] =>
  rows.map((row) => ({
    channelId: row.channel_id,
    module: row.module,
    notifyUrl: row.notify_url,
    expiresAt: row.expires_at,
  }));

/**
 * `bin/zoho connect`: reads the settings and the channels we have, plans (pure), then applies:
 * new channels in one call, renewals in one, switched-off modules disabled.
 */
export async function connectZohoChannels(deps: ChannelDeps, publicUrl: string): Promise<ChannelReport[]> {
  const now = deps.now?.() ?? new Date();
  const rows = await listZohoChannels(deps.db);
  const steps = planConnect({ enabledModules: await enabledModules(deps.db), known: known(rows), now });
  return applyChannelSteps(deps, steps, rows, notifyUrlFor(publicUrl), now);
}

/**
 * The worker's hourly renewal (crontab `zoho_channels_renew`). A failure is loud: logged as an
 * error and kept on the channel's row (bin/zoho status, bin/doctor) until a renewal succeeds.
 */
export async function renewZohoChannels(deps: ChannelDeps): Promise<ChannelReport[]> {
  const now = deps.now?.() ?? new Date();
  const rows = await listZohoChannels(deps.db);
  const steps = planRenewals(known(rows), now).filter((step) => step.kind !== 'keep');
  if (steps.length === 0) return [];
  // A channel made again keeps the URL it had: the worker does not know PUBLIC_URL.
  let reports: ChannelReport[];
  try {
    reports = await applyChannelSteps(deps, steps, rows, undefined, now);
  } catch (error) {
    // Zoho unreachable, a missing scope…: every channel due stays due, and says why.
    const message = error instanceof Error ? error.message : String(error);
    for (const step of steps)
      if (step.kind === 'renew') await markZohoChannelRenewalFailed(deps.db, step.channelId, message);
    for (const step of steps)
      if (step.kind === 'create') {
        const row = rows.find((r) => r.module === step.module);
        if (row) await markZohoChannelRenewalFailed(deps.db, row.channel_id, message);
      }
    deps.log.error(
      { err: error, modules: steps.map((s) => s.module) },
      `Zoho notification channels could not be renewed: ${message}`,
    );
    throw error;
  }
  for (const report of reports) {
    const fields = { module: report.module, channelId: report.channelId, expiresAt: report.expiresAt };
    if (report.ok) deps.log.info(fields, `Zoho notification channel of ${report.module} renewed`);
    else
      deps.log.error(
        { ...fields, error: report.detail },
        `Zoho notification channel of ${report.module} could not be renewed: ${report.detail}`,
      );
  }
  return reports;
}

/** `bin/zoho disconnect`: every channel disabled in Zoho and forgotten here. */
export async function disconnectZohoChannels(deps: ChannelDeps): Promise<ChannelReport[]> {
  const rows = await listZohoChannels(deps.db);
  const steps: ChannelStep[] = rows.map((row) => ({
    kind: 'disable',
    channelId: row.channel_id,
    module: row.module,
    reason: 'disconnect',
  }));
  return applyChannelSteps(deps, steps, rows, undefined, deps.now?.() ?? new Date());
}

async function applyChannelSteps(
  deps: ChannelDeps,
  steps: ChannelStep[],
  rows: readonly ZohoChannelRow[],
  notifyUrl: string | undefined,
  now: Date,
): Promise<ChannelReport[]> {
  const expiry = new Date(now.getTime() + CHANNEL_LIFETIME_MS);
  const rowOf = new Map(rows.map((row) => [row.module, row]));
  const reports: ChannelReport[] = [];

  const renewals = steps.filter((s): s is Extract<ChannelStep, { kind: 'renew' }> => s.kind === 'renew');
  const creates = steps.filter((s): s is Extract<ChannelStep, { kind: 'create' }> => s.kind === 'create');
  if (renewals.length > 0) {
    const outcomes = await deps.zoho.watch.update(
      renewals.map((step) => ({
        channel_id: step.channelId,
        channel_expiry: expiry.toISOString(),
        // Zoho's PATCH requires notify_url (v6–v8 docs): the new one, or the one the channel has.
        notify_url: notifyUrl ?? rowOf.get(step.module)?.notify_url ?? '',
      })),
    );
    for (const [index, step] of renewals.entries()) {
      const outcome = outcomes[index]!;
      if (outcome.ok) {
        const expiresAt = outcome.expiresAt ?? expiry;
        await markZohoChannelRenewed(deps.db, step.channelId, expiresAt);
        reports.push({
          step: 'renew',
          module: step.module,
          channelId: step.channelId,
          ok: true,
          expiresAt,
          detail: shortened(expiresAt, expiry) ?? step.reason,
        });
      } else {
        // Zoho no longer knows the channel (disabled in Zoho, or expired there early): make it again.
        deps.log.warn(
          { module: step.module, channelId: step.channelId, error: outcome.error },
          'Zoho refused to renew a channel; making a new one',
        );
        creates.push({
          kind: 'create',
          module: step.module,
          reason: `renewal refused (${outcome.error ?? 'no reason'})`,
        });
        await markZohoChannelRenewalFailed(deps.db, step.channelId, outcome.error ?? 'renewal refused');
      }
    }
  }

  if (creates.length > 0) {
    const requests = creates.map((step) => ({
      step,
      token: newChannelToken(),
      request: {
        channel_id: newChannelId(),
        events: channelEvents(step.module),
        notify_url: notifyUrl ?? rowOf.get(step.module)?.notify_url ?? '',
        channel_expiry: expiry.toISOString(),
      },
    }));
    const missingUrl = requests.filter((r) => r.request.notify_url === '');
    if (missingUrl.length > 0)
      throw new Error(
        `no notify URL for ${missingUrl.map((r) => r.step.module).join(', ')}: run bin/zoho connect with PUBLIC_URL set`,
      );
    const outcomes = await deps.zoho.watch.enable(requests.map((r) => ({ ...r.request, token: r.token })));
    // A replaced channel may still live in Zoho (our clock ahead of Zoho's, or a renewal Zoho
    // refused by mistake): disabled, so it stops posting callbacks nobody will accept.
    const replaced = requests.flatMap((r, index) =>
      outcomes[index]?.ok && rowOf.get(r.step.module) ? [rowOf.get(r.step.module)!.channel_id] : [],
    );
    if (replaced.length > 0) {
      await deps.zoho.watch
        .disable(replaced)
        .catch((error: unknown) =>
          deps.log.warn({ err: error, channels: replaced }, 'could not disable replaced Zoho channels'),
        );
    }
    for (const [index, { step, token, request }] of requests.entries()) {
      const outcome = outcomes[index]!;
      if (outcome.ok) {
        const expiresAt = outcome.expiresAt ?? expiry;
        await saveZohoChannel(deps.db, {
          channelId: request.channel_id,
          module: step.module,
          events: request.events,
          notifyUrl: request.notify_url,
          tokenSha256: channelTokenDigest(token),
          expiresAt,
        });
        reports.push({
          step: 'create',
          module: step.module,
          channelId: request.channel_id,
          ok: true,
          expiresAt,
          detail: shortened(expiresAt, expiry) ?? step.reason,
        });
      } else {
        const old = rowOf.get(step.module);
        if (old) await markZohoChannelRenewalFailed(deps.db, old.channel_id, outcome.error ?? 'refused');
        reports.push({
          step: 'create',
          module: step.module,
          channelId: null,
          ok: false,
          detail: `Zoho refused the channel: ${outcome.error ?? 'no reason'}`,
        });
      }
    }
  }

  const disables = steps.filter((s): s is Extract<ChannelStep, { kind: 'disable' }> => s.kind === 'disable');
  if (disables.length > 0) {
    const outcomes = await deps.zoho.watch.disable(disables.map((s) => s.channelId));
    for (const [index, step] of disables.entries()) {
      const outcome = outcomes[index]!;
      // Not known to Zoho any more is as good as disabled: the row goes either way.
      await deleteZohoChannel(deps.db, step.channelId);
      reports.push({
        step: 'disable',
        module: step.module,
        channelId: step.channelId,
        ok: true,
        detail: outcome.ok ? step.reason : `${step.reason} (Zoho: ${outcome.error ?? 'unknown channel'})`,
      });
    }
  }
  return reports;
}

/** Zoho gives one hour to an expiry it does not accept: said, so it is not a surprise. */
function shortened(got: Date, asked: Date): string | undefined {
  return got.getTime() < asked.getTime() - 3_600_000
    ? `Zoho set the expiry to ${got.toISOString()}, not ${asked.toISOString()}`
    : undefined;
}
