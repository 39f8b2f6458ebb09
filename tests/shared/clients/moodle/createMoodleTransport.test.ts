import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import t, { type Test } from 'tap';
import { z } from 'zod';
import { createMoodleTransport } from '../../../../shared/clients/moodle/createMoodleTransport.ts';
import { MoodleConfigurationError } from '../../../../shared/clients/moodle/moodleErrors.ts';
import { PermanentError, RetryableError } from '../../../../shared/domain/errors.ts';
import { createLogger } from '../../../../shared/logging/createLogger.ts';

const TOKEN = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6';

/** A Moodle stand-in whose answer each test sets; it records the form bodies it got. */
async function stub(t: Test, answer: (req: IncomingMessage, res: ServerResponse, body: string) => void) {
  const bodies: URLSearchParams[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      bodies.push(new URLSearchParams(body));
      answer(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/moodle`, bodies };
}

function logs() {
  const lines: string[] = [];
  const log = createLogger({
    service: 'test',
    level: 'debug',
    destination: new Writable({
      write(chunk: Buffer, _e, cb) {
        lines.push(chunk.toString());
        cb();
      },
    }),
  });
  return { log, lines };
}

const json = (res: ServerResponse, value: unknown) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(value));
};

t.test(
  'posts the token, function and JSON format as a form to /webservice/rest/server.php under MOODLE_URL',
  async (t) => {
    let path = '';
    const moodle = await stub(t, (req, res) => {
      path = req.url ?? '';
      json(res, [{ id: 4, username: 'jdoe' }]);
    });
    const { log, lines } = logs();
    const call = createMoodleTransport({ url: moodle.url, token: TOKEN, timeoutMs: 2000, log });
    const result = await call(
      'core_user_get_users_by_field',
      { field: 'email', values: ['j@example.com'] },
      z.array(z.object({ id: z.number() })),
    );
    t.same(result, [{ id: 4 }]);
    t.equal(path, '/moodle/webservice/rest/server.php');
    t.same(
      [...moodle.bodies[0]!],
      [
        ['wstoken', TOKEN],
        ['wsfunction', 'core_user_get_users_by_field'],
        ['moodlewsrestformat', 'json'],
        ['field', 'email'],
        ['values[0]', 'j@example.com'],
      ],
    );
    t.notMatch(lines.join(''), TOKEN, 'the token is never logged');
  },
);

t.test('a call that takes longer than the timeout is a RetryableError moodle.timeout', async (t) => {
  const moodle = await stub(t, () => {
    /* never answers */
  });
  const call = createMoodleTransport({ url: moodle.url, token: TOKEN, timeoutMs: 300, log: logs().log });
  const error = await call('core_webservice_get_site_info', {}, z.unknown()).catch((e: unknown) => e);
  t.ok(error instanceof RetryableError);
  t.equal((error as RetryableError).code, 'moodle.timeout');
});

t.test('a refused connection is a RetryableError moodle.network', async (t) => {
  // A port that was free a moment ago: nothing listens there.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  const call = createMoodleTransport({
    url: `http://127.0.0.1:${port}`,
    token: TOKEN,
    timeoutMs: 2000,
    log: logs().log,
  });
  const error = await call('core_webservice_get_site_info', {}, z.unknown()).catch((e: unknown) => e);
  t.ok(error instanceof RetryableError);
  t.equal((error as RetryableError).code, 'moodle.network');
  t.match((error as Error).message, /ECONNREFUSED/);
});

t.test('HTTP 503 is transient; invalid JSON is transient; an unexpected shape is permanent', async (t) => {
  let mode = 'down';
  const moodle = await stub(t, (_req, res) => {
    if (mode === 'down') {
      res.statusCode = 503;
      res.end('busy');
      return;
    }
    if (mode === 'garbled') {
      res.setHeader('content-type', 'application/json');
      res.end('{"half":');
      return;
    }
    json(res, { sitename: 42 });
  });
  const call = createMoodleTransport({ url: moodle.url, token: TOKEN, timeoutMs: 2000, log: logs().log });
  const attempt = () =>
    call('core_webservice_get_site_info', {}, z.object({ sitename: z.string() })).catch(
      (e: unknown) => e as PermanentError,
    );
  const down = await attempt();
  t.ok(down instanceof RetryableError && down.code === 'moodle.unavailable', 'HTTP 503');
  mode = 'garbled';
  const garbled = await attempt();
  t.ok(garbled instanceof RetryableError && garbled.code === 'moodle.bad_response', 'invalid JSON');
  mode = 'shape';
  const shape = await attempt();
  t.ok(shape instanceof PermanentError && shape.code === 'moodle.unexpected_response', 'unexpected shape');
  t.match((shape as Error).message, /sitename/);
});

t.test('a configuration error is logged loudly once per kind, and again after Moodle recovered', async (t) => {
  let broken = true;
  const moodle = await stub(t, (_req, res) =>
    json(
      res,
      broken
        ? {
            exception: 'core\\exception\\moodle_exception',
            errorcode: 'invalidtoken',
            message: 'Invalid token - token not found',
          }
        : { sitename: 'ok' },
    ),
  );
  const { log, lines } = logs();
  const call = createMoodleTransport({ url: moodle.url, token: TOKEN, timeoutMs: 2000, log });
  const site = () => call('core_webservice_get_site_info', {}, z.object({ sitename: z.string() }));
  await t.rejects(site(), MoodleConfigurationError);
  await t.rejects(site(), MoodleConfigurationError);
  const loud = () => lines.filter((l) => l.includes('Moodle is not configured')).length;
  t.equal(loud(), 1, 'logged once');
  broken = false;
  await site();
  broken = true;
  await t.rejects(site(), MoodleConfigurationError);
  t.equal(loud(), 2, 'logged again after a success');
  t.notMatch(lines.join(''), TOKEN);
});
