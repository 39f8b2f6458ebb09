import { Writable } from 'node:stream';
import t from 'tap';
import { createOrgPicklists } from '../../../../shared/clients/zoho/createOrgPicklists.ts';
import type { ZohoFieldMetadata } from '../../../../shared/clients/zoho/zohoFieldMetadata.ts';
import { createLogger } from '../../../../shared/logging/createLogger.ts';

/** The org's picklists: cached for the TTL, re-read early at most once per refresh interval, failures logged once. */

function setup(answer: () => Promise<ZohoFieldMetadata[]>) {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  let clock = 1_000_000;
  let reads = 0;
  const picklists = createOrgPicklists({
    fetchFields: async () => {
      reads++;
      return answer();
    },
    log: createLogger({ service: 'test', level: 'warn', destination }),
    ttlMs: 60_000,
    refreshIntervalMs: 10_000,
    now: () => clock,
  });
  return {
    picklists,
    lines,
    reads: () => reads,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

const STATUS: ZohoFieldMetadata = {
  apiName: 'Status',
  dataType: 'picklist',
  picklist: ['Active', 'Passive'],
  unique: false,
};

t.test('cached for the TTL; one read for concurrent callers; refresh waits for its interval', async (t) => {
  const s = setup(async () => [STATUS, { apiName: 'Name', dataType: 'text', picklist: null, unique: false }]);
  const [a, b] = await Promise.all([s.picklists.get('BTEC_Students'), s.picklists.get('BTEC_Students')]);
  t.same([...a!.entries()], [['Status', ['Active', 'Passive']]], 'only picklists are kept');
  t.equal(a, b);
  t.equal(s.reads(), 1, 'concurrent callers share one read');
  await s.picklists.refresh('BTEC_Students');
  t.equal(s.reads(), 1, 'no early re-read right after a read');
  s.advance(10_000);
  await s.picklists.refresh('BTEC_Students');
  t.equal(s.reads(), 2, 'an unknown value re-reads once the interval has passed');
  s.advance(59_999);
  await s.picklists.get('BTEC_Students');
  t.equal(s.reads(), 2, 'within the TTL');
  s.advance(1);
  await s.picklists.get('BTEC_Students');
  t.equal(s.reads(), 3, 'read again after the TTL');
});

t.test('a failed read: undefined (the shipped lists apply), logged once with the fix, tried again later', async (t) => {
  let fail = true;
  const s = setup(async () => {
    if (fail) throw new Error('OAUTH_SCOPE_MISMATCH');
    return [STATUS];
  });
  t.equal(await s.picklists.get('BTEC_Students'), undefined);
  s.advance(10_000);
  t.equal(await s.picklists.refresh('BTEC_Students'), undefined);
  t.equal(s.lines.length, 1, 'one warning, not one per event');
  t.match(s.lines[0], { level: 40, module: 'BTEC_Students', msg: /ZohoCRM\.settings\.fields\.READ/ });
  fail = false;
  s.advance(10_000);
  t.ok(await s.picklists.refresh('BTEC_Students'), 'read once the scope is granted');
});
