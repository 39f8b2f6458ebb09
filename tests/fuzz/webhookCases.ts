// Generates webhook requests for the fuzz test (tests/api/fuzz.test.ts) and the fault
// script (tests/chaos): seeded, so a run is reproducible from its seed. Each case says what
// the ingress must answer (accept, reject with a 4xx, duplicate).
import { createHmac } from 'node:crypto';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { MOODLE_ENTITIES, ZOHO_MODULES, type ZohoEntity } from '../../shared/domain/events.ts';
import { MOODLE_SECRET, ZOHO_SECRET, ZOHO_TOKEN } from '../helpers/signing.ts';

const LIMIT = 256 * 1024; // WEBHOOK_BODY_LIMIT_BYTES default
const ZOHO_ENTITY_NAMES = Object.keys(ZOHO_MODULES) as ZohoEntity[];

// ---------------------------------------------------------------- seeded randomness

export interface Rng {
  next(): number;
  int(min: number, max: number): number;
  bool(p?: number): boolean;
  pick<T>(items: readonly T[]): T;
  bytes(n: number): Buffer;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

export function createRng(seed: number): Rng {
  const next = mulberry32(seed);
  const rng: Rng = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    bool: (p = 0.5) => next() < p,
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T,
    bytes: (n) => {
      const out = Buffer.alloc(n);
      for (let i = 0; i < n; i++) out[i] = Math.floor(next() * 256);
      return out;
    },
  };
  return rng;
}

/** The seed of the current stream: ids are unique per request within a run and across seeds. */
let runTag = 0;
let counter = 0;
/** Unique per request within a run (and across seeds). */
const uniqueId = (prefix: string) => `${prefix}-${runTag}-${++counter}`;
/** A Zoho record id (digits) unique within the run, so coalesced deliveries never share a job key. */
const uniqueRecordId = () => `9${String(runTag).padStart(10, '0')}${String(++counter).padStart(6, '0')}`;

const SAFE_PIECES = [
  'a',
  'Z',
  '0',
  ' ',
  '-',
  '_',
  '.',
  'é',
  'ß',
  '漢',
  '字',
  '😀',
  'Ω',
  'ñ',
  '\u2028',
  '"',
  '\\',
  '/',
  '\t',
];
function safeString(r: Rng, max = 12): string {
  let s = '';
  for (let i = r.int(0, max); i > 0; i--) s += r.pick(SAFE_PIECES);
  return s;
}

/** A JSON value without NUL or lone surrogates: what any valid payload may carry. */
function safeJson(r: Rng, depth = 0): unknown {
  const kind = r.int(0, depth > 2 ? 3 : 5);
  switch (kind) {
    case 0:
      return safeString(r);
    case 1:
      return r.int(-1e9, 1e9);
    case 2:
      return r.pick([true, false, null, 0.5, -1e-7]);
    case 3:
      return safeString(r, 4) || 'x';
    case 4:
      return Array.from({ length: r.int(0, 4) }, () => safeJson(r, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: r.int(0, 4) }, () => [safeString(r, 6) || 'k', safeJson(r, depth + 1)]),
      );
  }
}

function safeObject(r: Rng): Record<string, unknown> {
  return Object.fromEntries(Array.from({ length: r.int(0, 5) }, (_, i) => [`${safeString(r, 5)}${i}`, safeJson(r, 1)]));
}

// ---------------------------------------------------------------- requests

export type Expect = 'reject' | 'accept' | 'duplicate' | 'acceptOrReject';

export interface FuzzCase {
  description: string;
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  body: Buffer | undefined;
  /** Send with Transfer-Encoding: chunked instead of Content-Length. */
  chunked?: boolean;
  expect: Expect;
  /** The exact status when the contract fixes it. */
  status?: number;
  /** Node's HTTP parser answers before Express (431): no JSON body to check. */
  nodeLevel?: boolean;
}

function signature(secret: string, id: string, timestamp: string, body: Buffer): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return `v1,${createHmac('sha256', key)
    .update(Buffer.concat([Buffer.from(`${id}.${timestamp}.`), body]))
    .digest('base64')}`;
}

const nowSeconds = () => String(Math.floor(Date.now() / 1000));

function signedHeaders(
  secret: string,
  body: Buffer,
  options: { id?: string; timestamp?: string } = {},
): Record<string, string> {
  const id = options.id ?? uniqueId('msg');
  const timestamp = options.timestamp ?? nowSeconds();
  return {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': signature(secret, id, timestamp, body),
  };
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');

/** A valid delivery the generator can then spoil in one way. */
interface Target {
  source: 'moodle' | 'zoho';
  shape: 'moodle' | 'zoho-envelope' | 'zoho-plain';
  path: string;
  /** `?event=…` for plain Zoho webhooks. */
  query: string;
  secret: string;
  body: Record<string, unknown>;
  /** Zoho plain deliveries may come with the shared token instead of a signature. */
  auth: 'signed' | 'token';
}

function moodleTarget(r: Rng): Target {
  const entity = r.pick(MOODLE_ENTITIES);
  const body: Record<string, unknown> = {
    event_id: uniqueId('moodle'),
    event_type: r.pick([
      '\\core\\event\\user_created',
      '\\core\\event\\user_updated',
      '\\mod_assign\\event\\submission_graded',
      '\\core\\event\\course_updated',
    ]),
    entity_type: r.pick(['user', 'user_enrolments', 'grade_grades', 'course']),
    entity_id: r.bool() ? r.int(0, 2 ** 31) : String(r.int(0, 2 ** 31)),
    timestamp: r.bool() ? Math.floor(Date.now() / 1000) : new Date().toISOString(),
    data: safeObject(r),
  };
  if (r.bool()) body.user_id = r.bool() ? r.int(0, 1e6) : null;
  if (r.bool()) body.course_id = r.bool() ? r.int(0, 1e6) : null;
  return {
    source: 'moodle',
    shape: 'moodle',
    path: `/v1/events/moodle/${entity}`,
    query: '',
    secret: MOODLE_SECRET,
    body,
    auth: 'signed',
  };
}

function zohoEnvelopeTarget(r: Rng): Target {
  const entity = r.pick(ZOHO_ENTITY_NAMES);
  const body: Record<string, unknown> = {
    event_type: r.pick(['created', 'updated', 'deleted']),
    module: ZOHO_MODULES[entity],
    record_id: uniqueRecordId(),
  };
  // Without event_id the webhook-id (unique per request) is the idempotency key.
  if (r.bool()) body.event_id = uniqueId('zoho');
  if (r.bool()) body.changed_fields = Array.from({ length: r.int(0, 5) }, () => safeString(r, 20));
  if (r.bool()) body.timestamp = r.bool() ? Math.floor(Date.now() / 1000) : new Date().toISOString();
  return {
    source: 'zoho',
    shape: 'zoho-envelope',
    path: `/v1/events/zoho/${entity}`,
    query: '',
    secret: ZOHO_SECRET,
    body,
    auth: 'signed',
  };
}

function zohoPlainTarget(r: Rng, auth: 'signed' | 'token' = r.pick(['signed', 'token'] as const)): Target {
  const entity = r.pick(ZOHO_ENTITY_NAMES);
  const body: Record<string, unknown> = { zoho_id: uniqueRecordId(), module: ZOHO_MODULES[entity] };
  if (r.bool()) body.Modified_Time = new Date(Date.now() - r.int(0, 1e9)).toISOString().replace('Z', '+00:00');
  const query = r.bool(0.8) ? `?event=${r.pick(['created', 'updated', 'deleted'])}` : '';
  return {
    source: 'zoho',
    shape: 'zoho-plain',
    path: `/v1/events/zoho/${entity}`,
    query,
    secret: ZOHO_SECRET,
    body,
    auth,
  };
}

function anyTarget(r: Rng): Target {
  return r.pick([moodleTarget, zohoEnvelopeTarget, zohoPlainTarget])(r);
}

interface BuildOptions {
  body?: Buffer;
  contentType?: string | null;
  /** Replace or drop (undefined value) headers after signing. */
  headers?: Record<string, string | string[] | undefined>;
  path?: string;
  method?: string;
  /** Sign these bytes instead of the body sent. */
  signBytes?: Buffer;
  webhookId?: string;
}

function build(
  target: Target,
  description: string,
  expect: Expect,
  status: number | undefined,
  options: BuildOptions = {},
): FuzzCase {
  const body = options.body ?? json(target.body);
  const headers: Record<string, string | string[]> = {};
  const contentType = options.contentType === undefined ? 'application/json' : options.contentType;
  if (contentType !== null) headers['content-type'] = contentType;
  if (target.auth === 'signed') {
    Object.assign(
      headers,
      signedHeaders(target.secret, options.signBytes ?? body, options.webhookId ? { id: options.webhookId } : {}),
    );
  } else {
    headers.authorization = `Bearer ${ZOHO_TOKEN}`;
  }
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (value === undefined) delete headers[name];
    else headers[name] = value;
  }
  return {
    description: `${target.shape}/${target.auth}: ${description}`,
    method: options.method ?? 'POST',
    path: options.path ?? `${target.path}${target.query}`,
    headers,
    body,
    expect,
    ...(status === undefined ? {} : { status }),
  };
}

const formBody = (body: Record<string, unknown>) =>
  Buffer.from(new URLSearchParams(Object.entries(body).map(([k, v]): [string, string] => [k, String(v)])).toString());

// ---------------------------------------------------------------- categories

type Variant = (r: Rng) => FuzzCase | FuzzCase[];
export interface Category {
  name: string;
  /** The behaviour the category's subtest asserts. */
  behaviour: string;
  weight: number;
  variants: Variant[];
}

/** Values of the wrong JSON type for a string field. */
const notAString = (r: Rng): unknown[] => [
  r.int(-1e6, 1e6),
  r.next() * 1e6,
  null,
  true,
  false,
  [],
  {},
  [safeString(r)],
  { nested: safeString(r) },
];
const hugeString = (r: Rng, min: number) => 'x'.repeat(r.int(min, min + r.pick([0, 10, 1000, 100_000])));

/** Per field, values that make the envelope invalid (`undefined` = field removed). */
function invalidValues(r: Rng, shape: Target['shape'], field: string, entity: string): unknown[] {
  const badTimestamp = [
    -1,
    -r.int(1, 1e9),
    1.5,
    'yesterday',
    '2024-01-01',
    '2024-01-01T00:00:00',
    '',
    null,
    true,
    {},
    [],
    2 ** 60,
    1e300,
  ];
  const wrongModule = [
    ...ZOHO_ENTITY_NAMES.filter((e) => e !== entity).map((e) => ZOHO_MODULES[e]),
    ZOHO_MODULES[entity as ZohoEntity]?.toLowerCase() ?? 'x',
    '',
    hugeString(r, 101),
    ...notAString(r),
    undefined,
  ];
  const badEventId = [
    ...notAString(r),
    '',
    'has space',
    'tab\there',
    'ünïcödé',
    'nul\u0000',
    hugeString(r, 201),
    `e${'1'.repeat(r.int(200, 20_000))}`,
  ];
  if (shape === 'moodle') {
    switch (field) {
      case 'event_id':
        return [...badEventId, undefined];
      case 'event_type':
        return [...notAString(r), '', hugeString(r, 201), undefined];
      case 'entity_type':
        return [...notAString(r), '', hugeString(r, 101), undefined];
      case 'entity_id':
        return [
          -1,
          -r.int(1, 1e9),
          1.5,
          'abc',
          '',
          '1'.repeat(21),
          '-5',
          '12a',
          ' 12',
          '1e3',
          null,
          true,
          {},
          [],
          2 ** 60,
          1e300,
          undefined,
        ];
      case 'user_id':
      case 'course_id':
        return [-1, 1.5, '5', true, {}, [], 2 ** 60];
      case 'timestamp':
        return [...badTimestamp, undefined];
      default: // data
        return ['str', 1, [], [1, 2], null, true, undefined];
    }
  }
  if (shape === 'zoho-envelope') {
    switch (field) {
      case 'event_id':
        return badEventId;
      case 'event_type':
        return ['CREATED', 'create', 'upsert', 'created ', '', ...notAString(r), undefined];
      case 'module':
        return wrongModule;
      case 'record_id':
        return ['abc', '', '1'.repeat(31), 123, '-1', '1.5', ' 1', '１２３', null, [], {}, true, undefined];
      case 'changed_fields':
        return [
          'Name',
          1,
          {},
          [1],
          [null],
          [{}],
          [hugeString(r, 201)],
          Array.from({ length: 501 }, () => 'a'),
          null,
          true,
        ];
      default: // timestamp
        return badTimestamp;
    }
  }
  switch (field) {
    case 'zoho_id':
      return ['abc', '', '1'.repeat(31), 123, null, [], {}, ' 1', '1 ', '١٢٣'];
    case 'module':
      return wrongModule;
    default: // Modified_Time
      return ['', hugeString(r, 65), 1, null, {}, [], true];
  }
}

const FIELDS: Record<Target['shape'], string[]> = {
  moodle: ['event_id', 'event_type', 'entity_type', 'entity_id', 'user_id', 'course_id', 'timestamp', 'data'],
  'zoho-envelope': ['event_id', 'event_type', 'module', 'record_id', 'changed_fields', 'timestamp'],
  'zoho-plain': ['zoho_id', 'module', 'Modified_Time'],
};

function entityOf(target: Target): string {
  return target.path.split('/').pop() ?? '';
}

function wrongFields(r: Rng, target: Target, howMany: number): FuzzCase {
  const fields = [...FIELDS[target.shape]];
  const changed: string[] = [];
  for (let i = 0; i < howMany && fields.length > 0; i++) {
    const field = fields.splice(r.int(0, fields.length - 1), 1)[0] as string;
    const value = r.pick(invalidValues(r, target.shape, field, entityOf(target)));
    if (value === undefined) delete target.body[field];
    else target.body[field] = value;
    const shown = value === undefined ? '(removed)' : JSON.stringify(value);
    changed.push(`${field}=${shown.length > 40 ? `${shown.slice(0, 40)}…(${shown.length} chars)` : shown}`);
  }
  // A plain webhook whose zoho_id was spoiled must not silently turn into a valid envelope.
  return build(target, `wrong fields ${changed.join(', ')}`, 'reject', 400);
}

const randomBytes: Category = {
  name: 'random bytes',
  behaviour:
    'random byte bodies, signed over the exact bytes or not, are refused with a 4xx JSON error and write nothing',
  weight: 10,
  variants: [
    (r) => {
      const target = anyTarget(r);
      const body = r.bytes(r.pick([0, 1, 2, r.int(3, 64), r.int(65, 4096), r.int(4097, 100_000)]));
      return build(target, `${body.length} random bytes, signed over the exact bytes`, 'reject', undefined, { body });
    },
    (r) => {
      const target = { ...anyTarget(r), auth: 'signed' as const };
      // The verifier signs the body decoded as UTF-8 (lossy): sign that so auth passes and validation is reached.
      const body = Buffer.concat([Buffer.from('{"event_id":"'), r.bytes(r.int(1, 2000)), Buffer.from('"}')]);
      return build(target, `${body.length} JSON-ish random bytes, signed as the verifier decodes them`, 'reject', 400, {
        body,
        signBytes: Buffer.from(body.toString('utf8')),
      });
    },
    (r) => {
      const target = anyTarget(r);
      const body = r.bytes(r.int(1, 5000));
      return build(target, `${body.length} random bytes, no auth headers`, 'reject', undefined, {
        body,
        headers: {
          'webhook-id': undefined,
          'webhook-timestamp': undefined,
          'webhook-signature': undefined,
          authorization: undefined,
        },
      });
    },
    (r) => {
      const target = zohoPlainTarget(r, 'token');
      const body = r.bytes(r.int(1, 5000));
      return build(target, `${body.length} random bytes as a form with the right token`, 'reject', undefined, {
        body,
        contentType: 'application/x-www-form-urlencoded',
      });
    },
    (r) => {
      const target = anyTarget(r);
      const text = JSON.stringify(target.body);
      const cut = Buffer.from(text.slice(0, r.int(0, text.length - 1)));
      return build(target, `a valid envelope truncated to ${cut.length} bytes`, 'reject', 400, { body: cut });
    },
    (r) => {
      const target = anyTarget(r);
      const body = Buffer.from(`${JSON.stringify(target.body)}${r.pick(['x', ',', '}', '{}', ' [] ', '\u0000'])}`);
      return build(target, 'a valid envelope followed by trailing garbage', 'reject', 400, { body });
    },
    (r) => {
      const target = anyTarget(r);
      const text = JSON.stringify(target.body);
      const at = r.int(1, text.length - 2);
      const body = Buffer.from(`${text.slice(0, at)}\u0000${text.slice(at)}`);
      return build(target, 'a raw NUL byte inserted into the JSON text', 'reject', 400, { body });
    },
    (r) => {
      const target = anyTarget(r);
      const body = Buffer.concat([
        Buffer.from('{"data":"'),
        Buffer.from([r.pick([0xc0, 0xc3, 0xed, 0xf8, 0xff, 0x80])]),
        Buffer.from('"}'),
      ]);
      return build(target, 'invalid UTF-8 inside a JSON string, signed as decoded', 'reject', 400, {
        body,
        signBytes: Buffer.from(body.toString()),
      });
    },
  ],
};

const wrongTypes: Category = {
  name: 'wrong-typed envelope fields',
  behaviour:
    'envelopes with fields of the wrong type, range or length are refused 400 (after auth passed) and write nothing',
  weight: 22,
  variants: [
    (r) => wrongFields(r, moodleTarget(r), 1),
    (r) => wrongFields(r, moodleTarget(r), r.int(2, 4)),
    (r) => wrongFields(r, zohoEnvelopeTarget(r), 1),
    (r) => wrongFields(r, zohoEnvelopeTarget(r), r.int(2, 3)),
    (r) => wrongFields(r, zohoPlainTarget(r), 1),
    (r) => wrongFields(r, zohoPlainTarget(r), r.int(2, 3)),
    (r) => {
      const target = zohoPlainTarget(r);
      target.query = r.pick([
        '?event=CREATED',
        '?event=foo',
        '?event=',
        '?event=created&event=deleted',
        '?event=created,deleted',
        '?event=%20created',
        '?event=%00',
        '?event=created%00',
      ]);
      return build(target, `plain webhook with query ${target.query}`, 'reject', 400);
    },
    (r) => {
      const target = anyTarget(r);
      const value = r.pick<unknown>([[], [target.body], 'a string', 42, null, true, false, -0.5]);
      return build(target, `top-level JSON ${JSON.stringify(value).slice(0, 40)}`, 'reject', 400, {
        body: json(value),
      });
    },
    (r) => {
      const target = zohoPlainTarget(r, 'token');
      const spoiled = { ...target.body };
      const field = r.pick(['zoho_id', 'module'] as const);
      spoiled[field] = r.pick(
        field === 'zoho_id' ? ['abc', '', '1'.repeat(31), '-1'] : ['', 'BTEC_Nope', 'x'.repeat(101)],
      );
      return build(target, `form webhook with ${field}=${String(spoiled[field]).slice(0, 20)}`, 'reject', 400, {
        body: formBody(spoiled),
        contentType: 'application/x-www-form-urlencoded',
      });
    },
  ],
};

/** Strings that PostgreSQL text/jsonb cannot store (NUL) or that are not well-formed UTF-16. */
const nasty = {
  nul: ['\u0000', 'a\u0000b', 'before\u0000', '\u0000\u0000\u0000'],
  lone: ['\ud800', '\udfff', 'x\ud83d', '\ude00x', 'a\udbffb'],
  fine: ['😀', 'é', 'עברית', 'Z̤͔ͧ̑̓', '\u2028\u2029', '\ufeff', '\u0001\u001f', '\uffff', '\u{10ffff}', '\u00ff'],
};
type NastyKind = keyof typeof nasty;
const expectFor: Record<NastyKind, Expect> = { nul: 'reject', lone: 'acceptOrReject', fine: 'accept' };

function withNasty(r: Rng, kind: NastyKind): FuzzCase {
  const s = r.pick(nasty[kind]);
  const target = r.pick([moodleTarget, zohoEnvelopeTarget, zohoPlainTarget])(r);
  const places: [string, (b: Record<string, unknown>) => void][] = [
    ['an extra top-level field', (b) => (b.extra = s)],
    ['an extra top-level key', (b) => (b[`k${s}`] = 1)],
  ];
  if (target.shape === 'moodle') {
    places.push(
      ['data value', (b) => ((b.data as Record<string, unknown>).note = s)],
      ['data key', (b) => ((b.data as Record<string, unknown>)[s] = 'v')],
      ['data nested deep', (b) => ((b.data as Record<string, unknown>).deep = { a: [{ b: [s] }] })],
      ['event_type', (b) => (b.event_type = `\\core\\event\\${s}`)],
      ['entity_type', (b) => (b.entity_type = `user${s}`)],
    );
  } else if (target.shape === 'zoho-envelope') {
    places.push(['changed_fields', (b) => (b.changed_fields = ['Name', s])]);
  } else {
    places.push(['Modified_Time', (b) => (b.Modified_Time = `2025-01-01T00:00:00${s}`)]);
  }
  const [place, apply] = r.pick(places);
  apply(target.body);
  const escaped = JSON.stringify(s);
  // Forms cannot carry lone surrogates (percent-encoding needs UTF-8), so those stay JSON.
  if (target.auth === 'token' && kind !== 'lone' && r.bool()) {
    return build(
      target,
      `${kind} string ${escaped} in ${place} (form)`,
      expectFor[kind],
      kind === 'nul' ? 400 : undefined,
      {
        body: formBody(target.body),
        contentType: 'application/x-www-form-urlencoded',
      },
    );
  }
  return build(target, `${kind} string ${escaped} in ${place}`, expectFor[kind], kind === 'nul' ? 400 : undefined);
}

const unicode: Category = {
  name: 'unicode in payloads',
  behaviour:
    'valid envelopes carrying \\u0000 are refused 400 (PostgreSQL cannot store it) and lone surrogates are accepted or refused, never 5xx; other unicode is accepted',
  weight: 14,
  variants: [
    (r) => withNasty(r, 'nul'),
    (r) => withNasty(r, 'nul'),
    (r) => withNasty(r, 'lone'),
    (r) => withNasty(r, 'fine'),
  ],
};

const empty: Category = {
  name: 'empty bodies',
  behaviour: 'empty or absent bodies are refused with a 4xx JSON error and write nothing',
  weight: 4,
  variants: [
    (r) => build(anyTarget(r), 'empty body, signed', 'reject', 400, { body: Buffer.alloc(0) }),
    (r) =>
      build(anyTarget(r), 'empty body, signed, no content type', 'reject', 415, {
        body: Buffer.alloc(0),
        contentType: null,
      }),
    (r) => ({
      ...build(anyTarget(r), 'no body at all', 'reject', undefined, { body: Buffer.alloc(0) }),
      body: undefined,
    }),
    (r) =>
      build(zohoPlainTarget(r, 'token'), 'empty form body with the right token', 'reject', 400, {
        body: Buffer.alloc(0),
        contentType: 'application/x-www-form-urlencoded',
      }),
    (r) =>
      build(anyTarget(r), 'whitespace-only body', 'reject', 400, {
        body: Buffer.from(r.pick([' ', '\n', '\r\n\t ', '\ufeff'])),
      }),
    (r) => build(anyTarget(r), 'empty object', 'reject', 400, { body: Buffer.from('{}') }),
  ],
};

/** A valid Moodle event padded (in `data`) to exactly `size` bytes. */
function moodleOfSize(r: Rng, size: number): { target: Target; body: Buffer } {
  const target = moodleTarget(r);
  target.body.data = { pad: '' };
  const base = json(target.body).length;
  (target.body.data as Record<string, unknown>).pad = 'p'.repeat(Math.max(0, size - base));
  const body = json(target.body);
  if (body.length !== size) throw new Error(`padding bug: ${body.length} !== ${size}`);
  return { target, body };
}

const bodySize: Category = {
  name: 'body size',
  behaviour: `bodies up to the ${LIMIT}-byte limit are read (a valid one is accepted) and bodies over it are refused 413`,
  weight: 3,
  variants: [
    (r) => {
      const { target, body } = moodleOfSize(r, LIMIT);
      return build(target, `valid event of exactly ${LIMIT} bytes`, 'accept', 202, { body });
    },
    (r) => {
      const { target, body } = moodleOfSize(r, LIMIT + 1);
      return build(target, `valid-looking event of ${LIMIT + 1} bytes`, 'reject', 413, { body });
    },
    (r) => {
      const size = LIMIT + r.int(-16, 16);
      const { target, body } = moodleOfSize(r, size);
      return build(
        target,
        `valid-looking event of ${size} bytes`,
        size <= LIMIT ? 'accept' : 'reject',
        size <= LIMIT ? 202 : 413,
        { body },
      );
    },
    (r) => {
      const { target, body } = moodleOfSize(r, LIMIT + r.int(2, 600_000));
      return build(target, `${body.length} bytes`, 'reject', 413, { body });
    },
    (r) => {
      const { target, body } = moodleOfSize(r, LIMIT + r.int(1, 50_000));
      return {
        ...build(target, `${body.length} bytes, chunked (no Content-Length)`, 'reject', 413, { body }),
        chunked: true,
      };
    },
    (r) => {
      const { target, body } = moodleOfSize(r, LIMIT - r.int(1, 1000));
      return {
        ...build(target, `valid event of ${body.length} bytes, chunked`, 'accept', 202, { body }),
        chunked: true,
      };
    },
  ],
};

/** A correct-looking but wrong `v1,` entry. */
const bogusEntry = (r: Rng) => `v1,${r.bytes(32).toString('base64')}`;

function spoiledSignature(
  r: Rng,
  description: string,
  spoil: (correct: string, headers: Record<string, string>) => Record<string, string | string[] | undefined>,
  expect: Expect = 'reject',
  status: number | null = 401,
): FuzzCase {
  const target = r.pick([moodleTarget, zohoEnvelopeTarget, (rr: Rng) => zohoPlainTarget(rr, 'signed')])(r);
  const body = json(target.body);
  const headers = signedHeaders(target.secret, body);
  return build(target, description, expect, status ?? undefined, {
    body,
    headers: { ...headers, ...spoil(headers['webhook-signature'] as string, headers) },
  });
}

const signatures: Category = {
  name: 'signatures',
  behaviour:
    'valid events with missing, garbled or wrong Standard Webhooks signatures are refused 401 and write nothing',
  weight: 12,
  variants: [
    (r) => spoiledSignature(r, 'no webhook-signature', () => ({ 'webhook-signature': undefined })),
    (r) => spoiledSignature(r, 'no webhook-id', () => ({ 'webhook-id': undefined })),
    (r) => spoiledSignature(r, 'no webhook-timestamp', () => ({ 'webhook-timestamp': undefined })),
    (r) => spoiledSignature(r, 'empty webhook-signature', () => ({ 'webhook-signature': '' })),
    (r) =>
      spoiledSignature(r, 'bad base64', () => ({
        'webhook-signature': `v1,${r.pick(['!!!notbase64', '====', '@@@@', 'a', '', '%%%'])}`,
      })),
    (r) =>
      spoiledSignature(r, 'right signature with v2 prefix', (sig) => ({
        'webhook-signature': sig.replace(/^v1,/, 'v2,'),
      })),
    (r) =>
      spoiledSignature(r, 'right signature with a garbled prefix', (sig) => ({
        'webhook-signature': sig.replace(/^v1,/, r.pick(['V1,', 'v1;', 'v1 ,', 'v1', ',', 'v1,,', 'v0,', 'v11,'])),
      })),
    (r) =>
      spoiledSignature(r, 'truncated signature', (sig) => ({
        'webhook-signature': sig.slice(0, r.int(0, sig.length - 1)),
      })),
    (r) =>
      spoiledSignature(r, 'signature with one character changed', (sig) => {
        const at = r.int(3, sig.length - 2);
        return { 'webhook-signature': `${sig.slice(0, at)}${sig[at] === 'A' ? 'B' : 'A'}${sig.slice(at + 1)}` };
      }),
    (r) =>
      spoiledSignature(r, 'right signature with extra characters', (sig) => ({
        'webhook-signature': `${sig}${r.pick(['A', '=', 'x', '=='])}`,
      })),
    (r) =>
      spoiledSignature(r, 'signature as raw hex digest', (sig) => ({
        'webhook-signature': `v1,${Buffer.from(sig.slice(3), 'base64').toString('hex')}`,
      })),
    (r) =>
      spoiledSignature(r, 'many space-separated wrong entries', () => ({
        'webhook-signature': Array.from({ length: r.int(2, 250) }, () => bogusEntry(r)).join(' '),
      })),
    (r) =>
      spoiledSignature(
        r,
        'many entries, the right one last (key rotation)',
        (sig) => ({
          'webhook-signature': [...Array.from({ length: r.int(1, 200) }, () => bogusEntry(r)), sig].join(' '),
        }),
        'accept',
        202,
      ),
    (r) =>
      spoiledSignature(r, 'right signature joined by commas instead of spaces', (sig) => ({
        'webhook-signature': `${bogusEntry(r)},${sig}`,
      })),
    (r) => spoiledSignature(r, 'webhook-id different from the signed one', () => ({ 'webhook-id': uniqueId('other') })),
    (r) =>
      spoiledSignature(r, 'webhook-timestamp one second off the signed one', (_sig, h) => ({
        'webhook-timestamp': String(Number(h['webhook-timestamp']) + r.pick([-1, 1])),
      })),
    (r) =>
      spoiledSignature(
        r,
        'two webhook-signature headers',
        (sig) => ({ 'webhook-signature': [bogusEntry(r), sig] }),
        'acceptOrReject',
        null,
      ),
    (r) =>
      spoiledSignature(r, 'two webhook-id headers', (_s, h) => ({ 'webhook-id': [h['webhook-id'] as string, 'x'] })),
    (r) => {
      const target = r.pick([moodleTarget, zohoEnvelopeTarget])(r);
      const other = target.secret === MOODLE_SECRET ? ZOHO_SECRET : MOODLE_SECRET;
      const body = json(target.body);
      return build(target, 'signed with the other source’s secret', 'reject', 401, {
        body,
        headers: signedHeaders(other, body),
      });
    },
    (r) => {
      const target = zohoPlainTarget(r, 'token');
      const body = json(target.body);
      return build(target, 'a wrong signature is not rescued by the right bearer token', 'reject', 401, {
        body,
        headers: { 'webhook-id': 'x', 'webhook-timestamp': nowSeconds(), 'webhook-signature': bogusEntry(r) },
      });
    },
    (r) => {
      const target = moodleTarget(r);
      return build({ ...target, auth: 'token' }, 'the Zoho bearer token on the Moodle route', 'reject', 401);
    },
    (r) =>
      spoiledSignature(r, 'webhook-id with latin-1 bytes, signature over other bytes', () => ({
        'webhook-id': `id-${'\u00e9\u00ff'}`,
      })),
  ],
};

function timestampCase(r: Rng, description: string, timestamp: string): FuzzCase {
  const target = r.pick([moodleTarget, zohoEnvelopeTarget])(r);
  const body = json(target.body);
  // Signed over the literal header value: only the timestamp itself can be the reason to refuse.
  return build(target, `${description} (${JSON.stringify(timestamp)})`, 'reject', 401, {
    body,
    headers: signedHeaders(target.secret, body, { timestamp }),
  });
}

const now = () => Math.floor(Date.now() / 1000);
const timestamps: Category = {
  name: 'timestamps',
  behaviour: 'signatures with timestamps too old, too new or not plain seconds are refused 401 and write nothing',
  weight: 6,
  variants: [
    (r) => timestampCase(r, 'too old', String(now() - r.pick([320, 3600, 86_400, r.int(320, 1e9)]))),
    (r) => timestampCase(r, 'too new', String(now() + r.pick([320, 3600, 86_400, r.int(320, 1e9)]))),
    (r) => timestampCase(r, 'zero', '0'),
    (r) => timestampCase(r, 'negative', `-${r.int(1, 1e10)}`),
    (r) => timestampCase(r, 'negative now', `-${now()}`),
    (r) => timestampCase(r, 'huge', r.pick(['99999999999', '999999999999', '9'.repeat(20), '1'.repeat(400)])),
    (r) => timestampCase(r, 'milliseconds', String(Date.now())),
    (r) => timestampCase(r, 'non-numeric', r.pick(['abc', 'now', '', 'NaN', 'Infinity', 'null', 'true'])),
    (r) =>
      timestampCase(
        r,
        'numeric-looking',
        r.pick([
          `${now()}abc`,
          `${now()}.5`,
          `+${now()}`,
          ` ${now()}x`,
          `0x${now().toString(16)}`,
          `${now() / 1e9}e9`,
          `${now()},${now()}`,
        ]),
      ),
    (r) => timestampCase(r, 'ISO date', new Date().toISOString()),
  ],
};

function tokenCase(
  r: Rng,
  description: string,
  authorization: string | undefined,
  expect: Expect = 'reject',
  status: number | null = 401,
): FuzzCase {
  const target = zohoPlainTarget(r, 'token');
  const asForm = r.bool();
  return build(target, `${description}${asForm ? ' (form)' : ''}`, expect, status ?? undefined, {
    ...(asForm ? { body: formBody(target.body), contentType: 'application/x-www-form-urlencoded' } : {}),
    headers: { authorization },
  });
}

const tokens: Category = {
  name: 'bearer tokens',
  behaviour: 'Zoho deliveries with a missing or wrong bearer token are refused 401 and write nothing',
  weight: 7,
  variants: [
    (r) => tokenCase(r, 'no Authorization', undefined),
    (r) => tokenCase(r, 'empty Authorization', ''),
    (r) => tokenCase(r, '"Bearer" alone', 'Bearer'),
    (r) => tokenCase(r, '"Bearer " and nothing', 'Bearer '),
    (r) =>
      tokenCase(
        r,
        'right token with a suffix',
        `Bearer ${ZOHO_TOKEN}${r.pick(['x', '0', '=', '%20', 'é', ZOHO_TOKEN])}`,
      ),
    (r) => tokenCase(r, 'right token with a prefix', `Bearer ${r.pick(['x', '0', '=', ' '])}${ZOHO_TOKEN}`),
    (r) => tokenCase(r, 'right token truncated', `Bearer ${ZOHO_TOKEN.slice(0, r.int(1, ZOHO_TOKEN.length - 1))}`),
    (r) => tokenCase(r, 'right token, no scheme', ZOHO_TOKEN),
    (r) => tokenCase(r, 'right token, Basic scheme', `Basic ${ZOHO_TOKEN}`),
    (r) => tokenCase(r, 'right token with a tab separator', `Bearer\t${ZOHO_TOKEN}`),
    (r) => tokenCase(r, 'right token after two spaces', `Bearer  ${ZOHO_TOKEN}`),
    (r) => tokenCase(r, 'right token, then another token', `Bearer ${ZOHO_TOKEN} ${ZOHO_TOKEN}`),
    (r) => tokenCase(r, 'right token upper-cased', `Bearer ${ZOHO_TOKEN.toUpperCase()}`),
    (r) => tokenCase(r, 'right token base64-encoded', `Bearer ${Buffer.from(ZOHO_TOKEN).toString('base64')}`),
    (r) => tokenCase(r, 'random token', `Bearer ${r.bytes(r.int(1, 64)).toString('base64url')}`),
    (r) => tokenCase(r, 'the Zoho webhook secret as token', `Bearer ${ZOHO_SECRET}`),
    // RFC 7235 §2.1: the auth scheme is case-insensitive, so 'bearer' with the right token may pass.
    (r) => tokenCase(r, 'lower-case "bearer" with the right token', `bearer ${ZOHO_TOKEN}`, 'acceptOrReject', null),
    (r) => {
      const target = zohoPlainTarget(r, 'token');
      return build(target, 'two Authorization headers, the right one second', 'reject', undefined, {
        headers: { authorization: ['Bearer wrong', `Bearer ${ZOHO_TOKEN}`] },
      });
    },
  ],
};

function contentTypeCase(r: Rng, contentType: string | null, expect: Expect, status: number | undefined): FuzzCase {
  const target = anyTarget(r);
  return build(target, `content type ${JSON.stringify(contentType)}`, expect, status, { contentType });
}

const contentTypes: Category = {
  name: 'content types',
  behaviour: 'signed events with a non-JSON content type are refused 415; application/json with parameters is accepted',
  weight: 6,
  variants: [
    (r) => contentTypeCase(r, 'text/plain', 'reject', 415),
    (r) => contentTypeCase(r, null, 'reject', 415),
    (r) =>
      contentTypeCase(r, `multipart/form-data; boundary=${safeString(r, 10).replace(/\W/g, '') || 'b'}`, 'reject', 415),
    (r) =>
      contentTypeCase(
        r,
        r.pick([
          'application/xml',
          'text/json',
          'json',
          '*/*',
          'application/*',
          'application/jsonx',
          'application/octet-stream',
          'text/html; charset=utf-8',
          '',
          ';',
          'application/json+xml',
          'application/ json',
        ]),
        'reject',
        415,
      ),
    (r) => {
      const target = moodleTarget(r);
      return build(target, 'form content type on the Moodle route', 'reject', 415, {
        body: formBody(target.body),
        contentType: 'application/x-www-form-urlencoded',
      });
    },
    (r) =>
      contentTypeCase(
        r,
        r.pick([
          'application/json; charset=utf-8',
          'application/json;charset=UTF-8',
          'Application/JSON',
          'application/json ; charset="utf-8"',
          'application/json; foo=bar',
        ]),
        'accept',
        202,
      ),
    (r) => contentTypeCase(r, r.pick(['application/vnd.zoho+json', 'application/cloudevents+json']), 'accept', 202),
    (r) =>
      contentTypeCase(
        r,
        r.pick(['application/json; charset=iso-8859-1', 'application/json; charset=utf-16']),
        'acceptOrReject',
        undefined,
      ),
  ],
};

/** Path segments that are not entities: case variants, traversal, encodings, prototype names. */
const BAD_ENTITIES = [
  'students',
  'Student',
  'STUDENT',
  'users',
  'User',
  'cohort',
  'enrolment',
  'x',
  '%2e%2e',
  '..%2f..%2fadmin',
  '..%2Fmoodle%2Fuser',
  '%2e%2e%2fmoodle%2fuser',
  'student%2F',
  'user%2Fextra',
  '%2F',
  'student%00',
  'user%00',
  '%00',
  'student%20',
  '%20user',
  'user%0a',
  'student%3Bgrade',
  '%E2%98%83',
  '%F0%9F%98%80',
  '%C3%A9',
  '%EF%BB%BFuser',
  'us%C3%A9r',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'prototype',
  'valueOf',
];
/** Malformed percent-encoding: the router cannot decode the parameter. */
const UNDECODABLE = ['%', '%ZZ', '%E0%A4%A', '%C3', 'user%', '%ED%A0%80', '%FF'];

function entityCase(r: Rng, segment: string, status: number | undefined): FuzzCase {
  const target = r.pick([moodleTarget, zohoEnvelopeTarget, (rr: Rng) => zohoPlainTarget(rr, 'signed')])(r);
  const source = r.bool(0.8) ? target.source : target.source === 'zoho' ? 'moodle' : 'zoho';
  return build(target, `entity segment ${JSON.stringify(segment)} on ${source}`, 'reject', status, {
    path: `/v1/events/${source}/${segment}${target.query}`,
  });
}

const entities: Category = {
  name: 'unknown entities',
  behaviour:
    'unknown, traversal-like or undecodable entity segments are refused with a 4xx JSON error and write nothing',
  weight: 6,
  variants: [
    (r) => entityCase(r, r.pick(BAD_ENTITIES), 404),
    (r) => entityCase(r, r.pick(BAD_ENTITIES), 404),
    (r) => entityCase(r, r.pick(UNDECODABLE), undefined),
    (r) => {
      const target = anyTarget(r);
      const path = r.pick([
        `${target.path}/extra`,
        `${target.path}/..`,
        `/v1/events/${target.source}`,
        `/v1/events/${target.source}/`,
        '/v1/events',
        '/v1/events/other/user',
        `${target.path}%2f..%2f..%2fhealth`,
        '/v1/events/moodle/user/../../zoho/student',
        '//v1/events/moodle/user',
      ]);
      return build(target, `path ${path}`, 'reject', undefined, { path });
    },
  ],
};

const methods: Category = {
  name: 'methods',
  behaviour: 'methods other than POST on the event routes are refused with a 4xx JSON error and write nothing',
  weight: 4,
  variants: [
    (r) => build(anyTarget(r), 'GET', 'reject', 404, { method: 'GET', body: Buffer.alloc(0), contentType: null }),
    (r) => build(anyTarget(r), 'PUT with a signed valid body', 'reject', 404, { method: 'PUT' }),
    (r) => build(anyTarget(r), 'PATCH with a signed valid body', 'reject', 404, { method: 'PATCH' }),
    (r) => build(anyTarget(r), 'DELETE', 'reject', 404, { method: 'DELETE' }),
    (r) => build(anyTarget(r), 'GET with a signed valid body', 'reject', 404, { method: 'GET' }),
    (r) => build(anyTarget(r), 'made-up method PROPFIND', 'reject', 404, { method: 'PROPFIND' }),
  ],
};

const encodings: Category = {
  name: 'content encodings',
  behaviour:
    'any compressed body is refused 415 without being inflated (senders post plain JSON), so garbage and bombs cost nothing',
  weight: 3,
  variants: [
    (r) => {
      const target = anyTarget(r);
      const encoding = r.pick(['gzip', 'deflate', 'br', 'zstd']);
      return build(target, `Content-Encoding ${encoding} over an uncompressed body`, 'reject', 415, {
        headers: { 'content-encoding': encoding },
      });
    },
    (r) => {
      const target = anyTarget(r);
      const plain = json(target.body);
      const gz = gzipSync(plain);
      const cut = gz.subarray(0, r.int(10, gz.length - 1));
      return build(target, 'gzip of a valid event truncated', 'reject', 415, {
        body: cut,
        signBytes: plain,
        headers: { 'content-encoding': 'gzip' },
      });
    },
    (r) => {
      const target = anyTarget(r);
      const plain = json(target.body);
      return build(target, 'gzip of a valid event, signed over the decompressed bytes', 'reject', 415, {
        body: gzipSync(plain),
        signBytes: plain,
        headers: { 'content-encoding': 'gzip' },
      });
    },
    (r) => {
      const target = anyTarget(r);
      const plain = Buffer.concat([
        Buffer.from('{"pad":"'),
        Buffer.alloc(r.int(2, 20) * 1024 * 1024, 0x61),
        Buffer.from('"}'),
      ]);
      return build(target, `gzip bomb inflating to ${plain.length} bytes`, 'reject', 415, {
        body: gzipSync(plain),
        signBytes: plain,
        headers: { 'content-encoding': 'gzip' },
      });
    },
    (r) => {
      const target = anyTarget(r);
      const plain = Buffer.concat([Buffer.from('{"pad":"'), Buffer.alloc(2 * 1024 * 1024, 0x61), Buffer.from('"}')]);
      return build(target, 'brotli bomb', 'reject', 415, {
        body: brotliCompressSync(plain),
        signBytes: plain,
        headers: { 'content-encoding': 'br' },
      });
    },
    (r) =>
      build(anyTarget(r), 'unsupported encoding', 'reject', 415, {
        headers: { 'content-encoding': r.pick(['compress', 'x-gzip', 'x-custom', 'gzip, deflate', 'identity, gzip']) },
      }),
    (r) => {
      const encoding = r.pick(['gzip', 'deflate', 'br', 'zstd']);
      return build(anyTarget(r), `Content-Encoding ${encoding} over random bytes`, 'reject', 415, {
        body: r.bytes(r.int(1, 500)),
        headers: { 'content-encoding': encoding },
      });
    },
  ],
};

/** The Moodle envelope as text with `data` replaced by raw JSON text. */
function withRawData(target: Target, dataJson: string): Buffer {
  target.body.data = '__DATA__';
  return Buffer.from(JSON.stringify(target.body).replace('"__DATA__"', () => dataJson));
}

/** Nested JSON objects, written as text so the depth is not limited by JSON.stringify. */
const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

const oddJson: Category = {
  name: 'odd JSON',
  behaviour:
    'valid signed envelopes with odd but legal JSON (deep nesting, duplicate keys, BOM, __proto__, huge numbers) get 202 or a 4xx, never 5xx',
  weight: 4,
  variants: [
    (r) => {
      const target = moodleTarget(r);
      const depth = r.pick([100, 1000, 5000]);
      return build(target, `data nested ${depth} levels deep`, 'acceptOrReject', undefined, {
        body: withRawData(target, nested(depth)),
      });
    },
    (r) => {
      const target = moodleTarget(r);
      const depth = r.int(20_000, 40_000);
      return build(target, `data nested ${depth} levels deep`, 'acceptOrReject', undefined, {
        body: withRawData(target, nested(depth)),
      });
    },
    (r) => {
      const target = moodleTarget(r);
      const text = JSON.stringify(target.body).replace(/^\{/, `{"event_id":${JSON.stringify(uniqueId('shadowed'))},`);
      return build(target, 'duplicate event_id keys (last wins)', 'acceptOrReject', undefined, {
        body: Buffer.from(text),
      });
    },
    (r) => {
      const target = anyTarget(r);
      return build(target, 'UTF-8 BOM before the JSON', 'acceptOrReject', undefined, {
        body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json(target.body)]),
      });
    },
    (r) => {
      const target = anyTarget(r);
      const text = JSON.stringify(target.body).replace(
        /^\{/,
        '{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}},',
      );
      return build(target, '__proto__ and constructor keys', 'acceptOrReject', undefined, { body: Buffer.from(text) });
    },
    (r) => {
      const target = moodleTarget(r);
      const data = `{"big":1e400,"neg":-1e400,"tiny":1e-400,"long":${'9'.repeat(400)},"negzero":-0}`;
      return build(target, 'numbers out of double range in data', 'acceptOrReject', undefined, {
        body: withRawData(target, data),
      });
    },
    (r) => {
      const target = moodleTarget(r);
      target.body.data = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]));
      return build(target, '5000 keys in data', 'accept', 202);
    },
  ],
};

const longIds: Category = {
  name: 'long ids',
  behaviour: 'very long event ids and webhook-ids are refused 4xx or accepted, never 5xx',
  weight: 4,
  variants: [
    (r) => {
      const target = moodleTarget(r);
      target.body.event_id = `e${'x'.repeat(r.int(200, 100_000))}`;
      return build(target, `event_id of ${String(target.body.event_id).length} chars`, 'reject', 400);
    },
    (r) => {
      const target = moodleTarget(r);
      return build(target, 'Moodle webhook-id of 10000 chars (the body event_id is the key)', 'accept', 202, {
        webhookId: `w${'y'.repeat(9999)}`,
      });
    },
    (r) => {
      const target = zohoEnvelopeTarget(r);
      delete target.body.event_id;
      const length = r.pick([500, 2000]);
      return build(
        target,
        `Zoho envelope without event_id, webhook-id of ${length} chars`,
        'acceptOrReject',
        undefined,
        {
          webhookId: `${uniqueId('w')}${r.bytes(length).toString('base64url').slice(0, length)}`,
        },
      );
    },
    (r) => {
      const target = zohoEnvelopeTarget(r);
      delete target.body.event_id;
      const length = r.int(3000, 10_000);
      return build(
        target,
        `Zoho envelope without event_id, webhook-id of ${length} random chars`,
        'acceptOrReject',
        undefined,
        {
          webhookId: `${uniqueId('w')}${r.bytes(length).toString('base64url').slice(0, length)}`,
        },
      );
    },
    (r) => {
      const target = zohoPlainTarget(r, 'signed');
      return build(target, 'Zoho plain webhook, webhook-id with latin-1 characters', 'acceptOrReject', undefined, {
        webhookId: `${uniqueId('w')}-\u00e9\u00ff\u00a0`,
      });
    },
  ],
};

function validCase(r: Rng): FuzzCase {
  const kind = r.int(0, 4);
  if (kind === 0) return build(moodleTarget(r), 'valid Moodle event', 'accept', 202);
  if (kind === 1) return build(zohoEnvelopeTarget(r), 'valid Zoho envelope', 'accept', 202);
  if (kind === 2) return build(zohoPlainTarget(r, 'signed'), 'valid signed plain Zoho webhook', 'accept', 202);
  const target = zohoPlainTarget(r, 'token');
  if (kind === 3) return build(target, 'valid plain Zoho webhook with token (JSON)', 'accept', 202);
  return build(target, 'valid plain Zoho webhook with token (form)', 'accept', 202, {
    body: formBody(target.body),
    contentType: 'application/x-www-form-urlencoded',
  });
}

const valid: Category = {
  name: 'valid events',
  behaviour: 'intentionally valid events mixed into the stream are answered 202, and a re-sent one 200 duplicate',
  weight: 10,
  variants: [
    validCase,
    validCase,
    (r) => {
      // Re-sent with the same id (and webhook-id), freshly signed: a duplicate with no second row.
      const target = r.pick([
        moodleTarget,
        zohoEnvelopeTarget,
        (rr: Rng) => {
          const plain = zohoPlainTarget(rr);
          plain.body.Modified_Time = new Date().toISOString();
          return plain;
        },
      ])(r);
      const webhookId = uniqueId('resent');
      const first = build(target, 'valid event', 'accept', 202, { webhookId });
      const again = build(target, 'the same event re-sent', 'duplicate', 200, { webhookId });
      return [first, again];
    },
  ],
};

const nodeLimits: Category = {
  name: 'node limits',
  behaviour:
    'requests Node’s HTTP parser refuses before the app (headers over 16 KiB: 431, raw non-ASCII in the path: 400; no JSON body) write nothing',
  weight: 0,
  variants: [
    (r) => ({
      ...spoiledSignature(
        r,
        'webhook-signature of 20000 chars',
        () => ({ 'webhook-signature': 'v1,'.padEnd(20_000, 'A') }),
        'reject',
        431,
      ),
      nodeLevel: true,
    }),
    (r) => {
      const target = anyTarget(r);
      const path = `/v1/events/${target.source}/${r.pick(['\u00e9', '\u00ff', 'us\u00e9r', '\u00a0'])}`;
      return {
        ...build(target, `raw latin-1 byte in the path ${JSON.stringify(path)}`, 'reject', 400, { path }),
        nodeLevel: true,
      };
    },
  ],
};

export const CATEGORIES: Category[] = [
  randomBytes,
  wrongTypes,
  unicode,
  empty,
  bodySize,
  signatures,
  timestamps,
  tokens,
  contentTypes,
  entities,
  methods,
  encodings,
  oddJson,
  longIds,
  valid,
  nodeLimits,
];

/**
 * A seeded stream of cases: `corpus()` is every variant of every category once, in order;
 * `random()` one weighted category's random variant (one or more cases).
 */
export function createFuzzStream(seed: number) {
  runTag = seed >>> 0;
  counter = 0;
  const rng = createRng(seed);
  const weighted = CATEGORIES.flatMap((category) => Array.from({ length: category.weight }, () => category));
  return {
    *corpus(): Generator<{ category: Category; cases: FuzzCase[] }> {
      for (const category of CATEGORIES) {
        for (const variant of category.variants) yield { category, cases: [variant(rng)].flat() };
      }
    },
    random(): { category: Category; cases: FuzzCase[] } {
      const category = rng.pick(weighted);
      return { category, cases: [rng.pick(category.variants)(rng)].flat() };
    },
  };
}
