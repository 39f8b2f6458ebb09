import t from 'tap';
import { EVENT_KINDS } from '../../shared/domain/events.ts';
import { flows } from '../../worker/flows/index.ts';

t.test('every event kind the ingress accepts has a flow in this version', async (t) => {
  t.same(
    EVENT_KINDS.filter((kind) => !flows[kind]),
    [],
    'no kind left to "no flow for …"',
  );
});
