import t from 'tap';
import { EVENT_KINDS } from '../../shared/domain/events.ts';
import { handlers } from '../../worker/handlers/index.ts';

t.test('every event kind the ingress accepts has a handler in this version', async (t) => {
  t.same(
    EVENT_KINDS.filter((kind) => !handlers[kind]),
    [],
    'no kind left to "no handler for …"',
  );
});
