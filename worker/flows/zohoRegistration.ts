import { getLink, type SyncLink } from '../../shared/db/queries/syncLinks.ts';
import { mapRegistration } from '../../shared/domain/dashboard/mapRegistration.ts';
import { studentOf } from '../../shared/domain/dashboard/studentOf.ts';
import { planDashboardPush, planDashboardRemoval } from '../../shared/domain/sync/planDashboardRecord.ts';
import type { EntityResult, IdOrRef, SyncPlan } from '../../shared/domain/sync/syncPlan.ts';
import type { ZohoRegistration } from '../../shared/domain/zoho/zohoRecordSchemas.ts';
import { defineFlow } from '../pipeline/flow.ts';
import { ensurePerson } from './zohoPerson.ts';

export type RegistrationState =
  | { zohoId: string; link: SyncLink | null; registration: null }
  | {
      zohoId: string;
      link: SyncLink | null;
      registration: ZohoRegistration;
      /** The student's Moodle user (synced first when they have none yet). */
      userId: IdOrRef;
      dependencies: EntityResult[];
    };

/**
 * A BTEC_Registrations record → the student's dashboard: the registration and its complete
 * installment schedule. Deleted in Zoho → removed from the dashboard (with its installments). Pure.
 */
export function planRegistration(state: RegistrationState): SyncPlan {
  const { zohoId, link } = state;
  if (!state.registration) return planDashboardRemoval('registration', zohoId, link, 'BTEC_Registrations');
  const mapped = mapRegistration(state.registration, 0);
  return planDashboardPush({
    entity: 'registration',
    zohoId,
    link,
    mapped,
    // The account's id, or the ref of the account this run makes.
    userId: state.userId,
    dependencies: state.dependencies,
  });
}

/** `zoho.registration`: finance data, governed by `sync.directions.finance`. */
export const zohoRegistration = defineFlow<RegistrationState>({
  kind: 'zoho.registration',
  gate: {
    module: 'BTEC_Registrations',
    direction: { key: 'finance', way: 'zoho_to_moodle' },
    needs: ['zoho', 'moodle'],
  },
  async read(io, { recordId }) {
    const link = await getLink(io.db, 'registration', recordId);
    const registration = await io.zoho.fetchRecord('BTEC_Registrations', recordId);
    if (!registration) return { zohoId: recordId, link, registration: null };
    const studentId = studentOf('BTEC_Registrations', recordId, 'Student_ID', registration.student);
    const dependencies: EntityResult[] = [];
    const userId = await ensurePerson(io, 'student', studentId, dependencies);
    return { zohoId: recordId, link, registration, userId, dependencies };
  },
  plan: planRegistration,
});
