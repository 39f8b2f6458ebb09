import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { createMoodleClient } from '../../../../shared/clients/moodle/createMoodleClient.ts';
import { PermanentError } from '../../../../shared/domain/errors.ts';
import { createLogger } from '../../../../shared/logging/createLogger.ts';

/**
 * Moodles before 4.x answer core_user_update_users with `null` and skip unknown ids
 * without a word: the client looks the users up afterwards instead of reporting success.
 */
t.test('an update answered null is checked by looking the users up: a missing id fails', async (t) => {
  const existing = new Set([4]);
  const seen: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const form = new URLSearchParams(body);
      const fn = form.get('wsfunction') ?? '';
      seen.push(fn);
      res.setHeader('content-type', 'application/json');
      if (fn === 'core_user_update_users') return res.end('null');
      const ids = [...form.entries()].filter(([k]) => k.startsWith('values[')).map(([, v]) => Number(v));
      res.end(
        JSON.stringify(
          ids
            .filter((id) => existing.has(id))
            .map((id) => ({ id, username: `u${id}`, email: `u${id}@college.example` })),
        ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const client = createMoodleClient({
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    token: 'legacytoken0123456789',
    log: createLogger({ service: 'test', level: 'silent' }),
  });

  await client.updateUsers([{ id: 4, firstname: 'Jane' }]);
  t.same(seen, ['core_user_update_users', 'core_user_get_users_by_field'], 'looked after updating');
  const error = await client.updateUsers([{ id: 4 }, { id: 999 }]).catch((e: unknown) => e);
  t.ok(error instanceof PermanentError);
  t.equal((error as PermanentError).code, 'moodle.not_found');
  t.match((error as Error).message, /999/);
});
