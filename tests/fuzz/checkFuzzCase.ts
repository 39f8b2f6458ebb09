// Sends one fuzz case to a running ingress and checks the answer against what the case
// expects, counting rows before and after (a refused request must write nothing).
import http from 'node:http';
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { countRows } from '../helpers/eventRows.ts';
import type { FuzzCase } from './webhookCases.ts';

export interface Outcome {
  category: string;
  case: FuzzCase;
  status: number | undefined;
  responseText: string;
  requestId: string | undefined;
  problems: string[];
}

interface RawResponse {
  status?: number;
  contentType?: string;
  requestId?: string;
  text: string;
  error?: string;
}

/**
 * @param logs the ingress's parsed log lines, to name the error behind a 5xx (optional).
 * @returns check(category, case) → its outcome, describe(outcome) for a failure report,
 *   serverError(requestId), and close() for the keep-alive agent.
 */
export function createFuzzChecker({
  port,
  db,
  logs = [],
}: {
  port: number;
  db: DatabasePool;
  logs?: Record<string, unknown>[];
}) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  function send(c: FuzzCase): Promise<RawResponse> {
    return new Promise((resolve) => {
      const headers: Record<string, string | string[]> = { ...c.headers };
      if (c.body !== undefined) {
        if (c.chunked) headers['transfer-encoding'] = 'chunked';
        else headers['content-length'] = String(c.body.length);
      }
      const req = http.request(
        { host: '127.0.0.1', port, method: c.method, path: c.path, headers, agent, timeout: 20_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode,
              contentType: res.headers['content-type'],
              requestId: res.headers['x-request-id'] as string | undefined,
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', (error) => resolve({ text: '', error: error.message }));
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', (error) =>
        resolve({ text: '', error: `${(error as NodeJS.ErrnoException).code ?? ''} ${error.message}` }),
      );
      if (c.body === undefined) {
        req.end();
      } else if (c.chunked) {
        const half = Math.floor(c.body.length / 2);
        req.write(c.body.subarray(0, half));
        req.end(c.body.subarray(half));
      } else {
        req.end(c.body);
      }
    });
  }

  const acceptedRow = z.object({ id: z.coerce.number(), dedupe: z.string(), jobs: z.coerce.number() });

  async function check(category: string, c: FuzzCase): Promise<Outcome> {
    const before = await countRows(db);
    const res = await send(c);
    const after = await countRows(db);
    const problems: string[] = [];
    let body: Record<string, unknown> | undefined;
    if (res.error !== undefined || res.status === undefined) {
      problems.push(`no HTTP response (${res.error ?? 'no status'})`);
    } else if (!c.nodeLevel) {
      if (!/^application\/json\b/.test(res.contentType ?? ''))
        problems.push(`content-type ${res.contentType ?? '(none)'} is not JSON`);
      try {
        body = JSON.parse(res.text) as Record<string, unknown>;
      } catch {
        problems.push('response body is not JSON');
      }
    }
    const status = res.status ?? 0;
    const accepted = status === 202;
    if (status >= 500) problems.push(`server error ${status}`);
    if (c.status !== undefined && status !== c.status && status !== 0)
      problems.push(`expected status ${c.status}, got ${status}`);

    const wantsAccept = c.expect === 'accept' || (c.expect === 'acceptOrReject' && accepted);
    if (c.expect === 'duplicate') {
      if (status !== 200 || body?.status !== 'duplicate') problems.push(`expected 200 duplicate, got ${status}`);
      if (after.events !== before.events || after.jobs !== before.jobs)
        problems.push(`duplicate wrote rows: ${JSON.stringify({ before, after })}`);
    } else if (wantsAccept) {
      if (!accepted) problems.push(`expected 202, got ${status}`);
      else if (body?.status !== 'accepted' || typeof body.event_id !== 'string')
        problems.push('202 without {status:"accepted", event_id}');
      if (accepted && (after.events !== before.events + 1 || after.jobs !== before.jobs + 1)) {
        problems.push(`202 but rows/jobs went ${JSON.stringify(before)} → ${JSON.stringify(after)} (want +1/+1)`);
      }
      if (accepted && typeof body?.event_id === 'string') {
        const source = c.path.includes('/moodle/') ? 'moodle' : 'zoho';
        const rows = await db.any(sql.type(acceptedRow)`
          select e.id, e.dedupe,
                 (select count(*) from graphile_worker.jobs j
                   where j.key = case when e.dedupe = 'coalesce' then 'zoho:' || e.module || ':' || e.record_id else 'event:' || e.id end) as jobs
            from integration_events_log e where e.source = ${source} and e.event_id = ${body.event_id}
        `);
        if (rows.length !== 1 || rows[0]?.jobs !== 1)
          problems.push(`accepted event has ${rows.length} rows / ${rows[0]?.jobs ?? 0} jobs (want 1/1)`);
      }
    } else {
      if (status < 400 || status >= 500) problems.push(`expected a 4xx, got ${status}`);
      if (!c.nodeLevel && status !== 0 && (body?.status !== 'error' || typeof body.error !== 'string')) {
        problems.push('error response is not {status:"error", error:string}');
      }
      if (after.events !== before.events || after.jobs !== before.jobs) {
        problems.push(`refused request wrote rows/jobs: ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
      }
    }
    return {
      category,
      case: c,
      status: res.status,
      responseText: res.text || res.error || '',
      requestId: res.requestId,
      problems,
    };
  }

  /** The error the ingress logged for a request it answered 5xx (what the bug report needs). */
  function serverError(requestId: string | undefined): string | undefined {
    if (requestId === undefined) return undefined;
    const line = logs.find((l) => (l.req as { id?: unknown } | undefined)?.id === requestId && l.err !== undefined);
    const err = line?.err as { type?: string; message?: string; code?: string } | undefined;
    return err
      ? `${err.type ?? 'Error'}${err.code ? ` ${err.code}` : ''}: ${String(err.message).split('\n')[0]}`
      : undefined;
  }

  /** What a failure report shows: enough to replay the request by hand. */
  function describe(o: Outcome) {
    const c = o.case;
    const body = c.body ?? Buffer.alloc(0);
    const printable = body.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f));
    const preview = printable
      ? body.subarray(0, 400).toString('latin1')
      : `hex:${body.subarray(0, 120).toString('hex')}`;
    const headers = Object.fromEntries(
      Object.entries(c.headers).map(([k, v]) => [
        k,
        typeof v === 'string' && v.length > 120 ? `${v.slice(0, 120)}…(${v.length} chars)` : v,
      ]),
    );
    return {
      request: `${c.method} ${c.path.length > 200 ? `${c.path.slice(0, 200)}…` : c.path}`,
      headers,
      bodyBytes: c.body?.length ?? null,
      bodyPreview: body.length > 400 ? `${preview}…` : preview,
      status: o.status ?? null,
      response: o.responseText.slice(0, 500),
      ...((o.status ?? 0) >= 500 ? { serverLogged: serverError(o.requestId) ?? '(no error line found)' } : {}),
      problems: o.problems,
    };
  }

  return { check, describe, serverError, close: () => agent.destroy() };
}
