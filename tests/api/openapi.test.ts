import SwaggerParser from '@apidevtools/swagger-parser';
import type { Express } from 'express';
import t, { type Test } from 'tap';
import { z } from 'zod';
import { createOpenApiDocument } from '../../api/openapi/createOpenApiDocument.ts';
import {
  errorResponseSchema,
  eventAcceptedSchema,
  healthSchema,
  pingSchema,
  queueStatusSchema,
  readinessSchema,
  settingChangeResultSchema,
  settingRowSchema,
} from '../../api/openapi/responseSchemas.ts';
import { settingChangeSchema } from '../../shared/db/queries/appSettings.ts';
import { eventRowSchema } from '../../shared/db/queries/integrationEventsLog.ts';
import { MOODLE_SECRET, signedHeaders, ZOHO_SECRET, ZOHO_TOKEN } from '../helpers/signing.ts';
import { startTestApp } from '../helpers/startTestApp.ts';

const ADMIN_TOKEN = 'admin-token-0123456789abcdef0123456789';
const METRICS_TOKEN = 'metrics-token-0123456789abcdef01234567';
// With ADMIN_TOKEN, METRICS_TOKEN (and, from startTestApp, ZOHO_WEBHOOK_TOKEN) every route is mounted.
const app = await startTestApp(t, { ADMIN_TOKEN, METRICS_TOKEN });
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` };

const served = await fetch(`${app.url}/openapi.json`);
const text = await served.text();
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };
type Operation = {
  parameters?: { in: string; name: string; required?: boolean }[];
  requestBody?: { content: Record<string, { examples?: Record<string, { value: unknown }> }> };
};
const doc = JSON.parse(text) as Document;

/** The example bodies the document shows for an operation, by name. */
function examples(path: string, method: string): Record<string, unknown> {
  const media = doc.paths[path]?.[method]?.requestBody?.content['application/json'];
  return Object.fromEntries(Object.entries(media?.examples ?? {}).map(([name, example]) => [name, example.value]));
}

/** The body parses with the response schema and nothing is left out of it (no undocumented field). */
function conforms(t: Test, schema: z.ZodType, body: unknown) {
  const parsed = schema.safeParse(body);
  t.ok(parsed.success, 'parses', { issues: parsed.error?.issues });
  t.same(parsed.data, body, 'has no field the schema lacks');
}

t.test('GET /openapi.json is a valid OpenAPI 3.1 document, free of secrets and configuration', async (t) => {
  t.equal(served.status, 200);
  t.match(served.headers.get('content-type'), /^application\/json/);
  t.match(doc.openapi, /^3\.1\./);
  // swagger-parser validates against the official 3.1 schema, then checks refs, path parameters and operationIds.
  await t.resolves(SwaggerParser.validate(structuredClone(doc) as never));
  for (const secret of [
    ZOHO_SECRET,
    MOODLE_SECRET,
    ZOHO_TOKEN,
    ADMIN_TOKEN,
    METRICS_TOKEN,
    app.databaseUrl,
    new URL(app.url).port,
  ]) {
    t.notOk(text.includes(secret), 'holds no configured value');
  }
  // swagger-parser leaves this check out for 3.1: every {param} of a path is declared.
  for (const [path, item] of Object.entries(doc.paths)) {
    const names = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
    for (const [method, operation] of Object.entries(item)) {
      const declared = (operation.parameters ?? []).filter((p) => p.in === 'path' && p.required).map((p) => p.name);
      t.same(declared, names, `${method} ${path} declares its path parameters`);
    }
  }
  // The same document without any configuration: nothing of this machine's is in it.
  t.same(doc, JSON.parse(JSON.stringify(createOpenApiDocument())));
});

t.test('the document lists exactly the routes the app serves (method and path, both ways)', async (t) => {
  const servedRoutes = new Set(listRoutes(app.app));
  const documented = new Set(
    Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    ),
  );
  t.ok(
    servedRoutes.has('GET /v1/admin/settings/{key}') && servedRoutes.has('POST /v1/events/zoho/{entity}'),
    'the walk finds nested routers and parameters',
  );
  t.same(
    [...servedRoutes].filter((route) => !documented.has(route)),
    [],
    'no undocumented route',
  );
  t.same(
    [...documented].filter((route) => !servedRoutes.has(route)),
    [],
    'no documented route the app lacks',
  );
});

t.test('the example webhooks are accepted; bodies breaking the schema are refused with 400', async (t) => {
  const moodle = examples('/v1/events/moodle/{entity}', 'post');
  const zoho = examples('/v1/events/zoho/{entity}', 'post');
  const send = (path: string, body: unknown, headers: (raw: string) => Record<string, string>) => {
    const raw = JSON.stringify(body);
    return fetch(`${app.url}${path}`, { method: 'POST', body: raw, headers: headers(raw) });
  };
  const moodleSigned = (raw: string) => signedHeaders(MOODLE_SECRET, raw);
  const zohoSigned = (raw: string) => signedHeaders(ZOHO_SECRET, raw);
  const zohoToken = () => ({ 'content-type': 'application/json', authorization: `Bearer ${ZOHO_TOKEN}` });

  const accepted: [string, unknown, (raw: string) => Record<string, string>][] = [
    ['/v1/events/moodle/grade', moodle.grade, moodleSigned],
    ['/v1/events/zoho/student', zoho.signed, zohoSigned],
    ['/v1/events/zoho/student?event=updated', zoho.plain, zohoToken],
  ];
  for (const [path, body, headers] of accepted) {
    t.ok(body, `${path} has an example`);
    const res = await send(path, body, headers);
    t.equal(res.status, 202, path);
    conforms(t, eventAcceptedSchema, await res.json());
  }

  const refused: [string, unknown, (raw: string) => Record<string, string>][] = [
    ['/v1/events/moodle/grade', { ...(moodle.grade as object), entity_id: -1 }, moodleSigned],
    ['/v1/events/zoho/student', { ...(zoho.signed as object), record_id: 'not-digits' }, zohoSigned],
    ['/v1/events/zoho/student', { ...(zoho.plain as object), zoho_id: 'x' }, zohoToken],
  ];
  for (const [path, body, headers] of refused) {
    const res = await send(path, body, headers);
    t.equal(res.status, 400, path);
    const error = await res.json();
    conforms(t, errorResponseSchema, error);
    t.match(error, { error: 'invalid_envelope', issues: [{ path: /entity_id|record_id|zoho_id/ }] });
  }

  const ping = await send('/v1/ping/moodle', examples('/v1/ping/moodle', 'post').empty, moodleSigned);
  conforms(t, pingSchema, await ping.json());
  for (const res of [
    await fetch(`${app.url}/v1/events/moodle/grade`, {
      method: 'POST',
      body: 'x',
      headers: { 'content-type': 'text/plain' },
    }),
    await fetch(`${app.url}/v1/events/moodle/grade`, {
      method: 'POST',
      body: 'x'.repeat(300_000),
      headers: { 'content-type': 'application/json' },
    }),
    await fetch(`${app.url}/v1/admin/status`),
  ]) {
    t.ok([415, 413, 401].includes(res.status));
    conforms(t, errorResponseSchema, await res.json());
  }
});

t.test('health and admin answers match their documented schemas', async (t) => {
  const get = async (path: string) => (await fetch(`${app.url}${path}`, { headers: admin })).json();
  conforms(t, healthSchema, await get('/health'));
  const metrics = await fetch(`${app.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  t.equal(metrics.status, 200);
  t.match(metrics.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  conforms(t, errorResponseSchema, await (await fetch(`${app.url}/metrics`)).json());
  conforms(t, readinessSchema, await get('/health/ready'));
  const status = await get('/v1/admin/status');
  conforms(t, queueStatusSchema, status);
  t.type((status as { oldestWaitingAt: unknown }).oldestWaitingAt, 'string', 'the examples left waiting events');

  // Rows read with z.coerce.date() arrive as strings: check their fields, not their values.
  const events = (await get('/v1/admin/events?status=pending&limit=5')) as unknown[];
  t.ok(events.length > 0);
  for (const row of events) t.ok(eventRowSchema.strict().safeParse(row).success, 'an event row');

  conforms(t, z.array(settingRowSchema), await get('/v1/admin/settings'));
  conforms(t, settingRowSchema, await get('/v1/admin/settings/moodle.roles'));
  const [key, value] = Object.entries(examples('/v1/admin/settings/{key}', 'put'))[0]!;
  const put = await fetch(`${app.url}/v1/admin/settings/${key}`, {
    method: 'PUT',
    headers: { ...admin, 'content-type': 'application/json' },
    body: JSON.stringify(value),
  });
  t.equal(put.status, 200, `the PUT example is valid for ${key}`);
  conforms(t, settingChangeResultSchema, await put.json());
  const reset = await fetch(`${app.url}/v1/admin/settings/${key}/reset`, { method: 'POST', headers: admin });
  conforms(t, settingChangeResultSchema, await reset.json());
  const history = (await get(`/v1/admin/settings-history?key=${key}`)) as unknown[];
  t.equal(history.length, 2);
  for (const row of history) t.ok(settingChangeSchema.strict().safeParse(row).success, 'a history row');
});

interface Layer {
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  rawPath?: unknown;
}

/** `METHOD /path` of every route in the Express 5 router stack, nested routers included, with OpenAPI `{param}`s. */
function listRoutes(express: Express): string[] {
  const walk = (stack: Layer[], prefix: string): string[] =>
    stack.flatMap((layer) => {
      if (layer.route) {
        return Object.keys(layer.route.methods).map(
          (method) => `${method.toUpperCase()} ${toOpenApiPath(prefix + stringPath(layer.route!.path))}`,
        );
      }
      const nested = layer.handle?.stack;
      if (!Array.isArray(nested)) return []; // plain middleware
      const mount = stringPath(layer.rawPath);
      return walk(nested, prefix + (mount === '/' ? '' : mount));
    });
  return walk((express.router as unknown as { stack: Layer[] }).stack, '');
}

function stringPath(path: unknown): string {
  if (typeof path !== 'string') throw new Error(`route path ${String(path)} is not a string: extend listRoutes`);
  return path;
}

/** path-to-regexp v8 `/:id` and `/*rest` → OpenAPI `/{id}`, `/{rest}`; optional `{…}` groups have no OpenAPI form. */
function toOpenApiPath(path: string): string {
  if (/[{}()]/.test(path))
    throw new Error(`route ${path} has an optional group: document each variant and extend toOpenApiPath`);
  return path.replace(/[:*]([A-Za-z_$][\w$]*)/g, '{$1}');
}
