import { z } from 'zod';
import { defineFlow } from '../pipeline/flow.ts';

/** `moodle.course`: courses are made from Zoho classes; a course changed in Moodle is recorded, not sent back. */
export const moodleCourse = defineFlow<null, unknown>({
  kind: 'moodle.course',
  gate: { module: 'BTEC_Classes', direction: null, needs: [] },
  data: { schema: z.unknown(), in: 'payload' },
  read: async () => null,
  plan: () => ({
    result: {
      entity: 'course',
      action: 'skipped',
      reason: 'courses come from Zoho classes: Moodle course changes are recorded here, not sent to Zoho',
    },
    steps: [],
  }),
});
