import { getLink, type SyncLink } from '../../shared/db/queries/syncLinks.ts';
import { isEmptyFinance, mapFinance } from '../../shared/domain/dashboard/mapFinance.ts';
import { planDashboardPush, planDashboardRemoval } from '../../shared/domain/sync/planDashboardRecord.ts';
import { flowsToMoodle } from '../../shared/domain/sync/syncDirections.ts';
import type { SyncPlan } from '../../shared/domain/sync/syncPlan.ts';
import type { ZohoStudent } from '../../shared/domain/zoho/zohoRecordSchemas.ts';
import { defineFlow } from '../pipeline/flow.ts';
import { planPerson, readPerson, type PersonState } from './zohoPerson.ts';

export interface StudentState {
  person: PersonState;
  /** The finance summary's link, when `sync.directions.finance` flows Zoho → Moodle (else not read). */
  finance: { link: SyncLink | null } | null;
}

/**
 * `zoho.student`: the student's Moodle account first (the event's result), then — when
 * `sync.directions.finance` flows Zoho → Moodle — their finance summary on the dashboard,
 * reported under `details.finance`. The record is fetched once for both. A failing finance push
 * fails the event (retried or shown as failed); the account part is idempotent, so a retry finds
 * it unchanged and only the finance push is redone.
 */
export const zohoStudent = defineFlow<StudentState>({
  kind: 'zoho.student',
  gate: {
    module: 'BTEC_Students',
    direction: { key: 'student_profile', way: 'zoho_to_moodle' },
    needs: ['zoho', 'moodle'],
  },
  async read(io, { recordId }) {
    const record = await io.zoho.fetchRecord('BTEC_Students', recordId);
    const person = await readPerson(io, 'student', recordId, { record });
    const finance = flowsToMoodle(io.settings, 'finance') ? { link: await getLink(io.db, 'finance', recordId) } : null;
    return { person, finance };
  },
  plan(state, settings) {
    const person = planPerson(state.person, settings);
    if (!state.finance) return person;
    const finance = planFinance(state.person, state.finance.link, person);
    if (!finance) return person;
    const result = { ...person.result, details: { ...person.result.details, finance: finance.result } };
    return { result, steps: [...person.steps, ...finance.steps] };
  },
});

/**
 * A student's finance summary → the plugin (`local_zohosync_upsert_finance`, keyed by the
 * student's Zoho id), for the Moodle user the account part gives. Null when there is nothing to
 * do and nothing to report: a summary with every field empty that was never on the dashboard
 * costs no call and leaves no link. Emptied in Zoho, or the student deleted in Zoho → removed.
 */
function planFinance(person: PersonState, link: SyncLink | null, account: SyncPlan): SyncPlan | null {
  const onDashboard = link?.state === 'active';
  const { zohoId } = person;
  if (person.record === null)
    return onDashboard ? planDashboardRemoval('finance', zohoId, link, 'BTEC_Students') : null;

  const mapped = mapFinance(person.record as ZohoStudent, 0);
  if (isEmptyFinance(mapped.record)) {
    return onDashboard
      ? planDashboardRemoval('finance', zohoId, link, 'BTEC_Students', 'finance fields emptied in Zoho')
      : null;
  }
  const userId = account.result.moodleId ?? null;
  if (userId === null) {
    return {
      result: {
        entity: 'finance',
        zohoId,
        action: 'skipped',
        moodleId: null,
        reason: 'the student has no Moodle account: no dashboard to show the finance summary on',
      },
      steps: [],
    };
  }
  // The account's id, or the ref of the account this plan creates (resolved when applied).
  const record = { ...mapped.record, userid: userId };
  return planDashboardPush({ entity: 'finance', zohoId, link, record, warnings: mapped.warnings, userId });
}
