import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

/** One attempt of an event (sql/11_event_attempts.sql); finishEvents and claimEvents write them. */
export const eventAttemptSchema = z.object({
  attempt: z.number(),
  worker: z.string().nullable(),
  started_at: z.coerce.date(),
  finished_at: z.coerce.date().nullable(),
  duration_ms: z.number().nullable(),
  outcome: z.enum(['completed', 'skipped', 'failed', 'retrying', 'interrupted']),
  action: z.string().nullable(),
  reason: z.string().nullable(),
  error_code: z.string().nullable(),
  error: z.string().nullable(),
  plan: z.unknown().nullable(),
  covered: z.number(),
  zoho_calls: z.number().nullable(),
  moodle_calls: z.number().nullable(),
  zoho_credits_remaining: z.number().nullable(),
});
export type EventAttempt = z.infer<typeof eventAttemptSchema>;

/** The attempts of one event, first first. */
export async function eventAttempts(db: CommonQueryMethods, eventLogId: number): Promise<EventAttempt[]> {
  return [
    ...(await db.any(sql.type(eventAttemptSchema)`
      select attempt, worker, started_at, finished_at, duration_ms, outcome, action, reason, error_code, error, plan, covered,
             zoho_calls, moodle_calls, zoho_credits_remaining
        from integration_event_attempts
       where event_log_id = ${eventLogId}
       order by attempt, id`)),
  ];
}
