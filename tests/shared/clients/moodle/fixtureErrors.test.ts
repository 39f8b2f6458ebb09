import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t, { type Test } from 'tap';
import { z } from 'zod';
import { createMoodleClient } from '../../../../shared/clients/moodle/createMoodleClient.ts';
import { MoodleConfigurationError } from '../../../../shared/clients/moodle/moodleErrors.ts';
import { PermanentError, RetryableError } from '../../../../shared/domain/errors.ts';
import { createLogger } from '../../../../shared/logging/createLogger.ts';
import { loadMoodleFixtures, type MoodleFixture } from '../../../helpers/moodleFixtures.ts';

/**
 * Every recorded Moodle failure, answered byte for byte as recorded, must come out of the
 * client as the right error class and code. A new error recording without an expectation
 * here fails the test.
 */

type Expected = [typeof MoodleConfigurationError | typeof PermanentError | typeof RetryableError, string];

/** By Moodle's errorcode (or, for non-JSON answers, by case). */
const BY_ERRORCODE: Record<string, Expected> = {
  invalidtoken: [MoodleConfigurationError, 'moodle.invalid_token'],
  accessexception: [MoodleConfigurationError, 'moodle.access_denied'],
  'Message was not sent.': [MoodleConfigurationError, 'moodle.email_failed'],
  invalidparameter: [PermanentError, 'moodle.invalid_parameter'],
  shortnametaken: [PermanentError, 'moodle.duplicate'],
  courseidnumbertaken: [PermanentError, 'moodle.duplicate'],
  errorcatcontextnotvalid: [PermanentError, 'moodle.invalid_category'],
  invaliduser: [PermanentError, 'moodle.not_found'],
  useradminodelete: [PermanentError, 'moodle.refused'],
  wsusercannotassign: [PermanentError, 'moodle.permission'],
};
const BY_CASE: Record<string, Expected> = {
  // "Can't find data record in database table external_functions": the function does not exist.
  local_does_not_exist_function__unknown_function: [MoodleConfigurationError, 'moodle.function_missing'],
  local_does_not_exist_function__unknown_function_debuginfo: [MoodleConfigurationError, 'moodle.function_missing'],
  core_enrol_get_enrolled_users__bad_courseid: [PermanentError, 'moodle.not_found'],
  enrol_manual_unenrol_users__bad_courseid: [PermanentError, 'moodle.not_found'],
  enrol_manual_unenrol_users__bad_courseid_debuginfo: [PermanentError, 'moodle.not_found'],
  // The password policy's HTML sentence is the errorcode.
  core_user_create_users__weak_password: [PermanentError, 'moodle.password_policy'],
  core_user_create_users__weak_password_debuginfo: [PermanentError, 'moodle.password_policy'],
  core_webservice_get_site_info__webservices_disabled: [MoodleConfigurationError, 'moodle.webservices_disabled'],
  // We always ask for JSON; XML means something between us and Moodle is off.
  core_webservice_get_site_info__xml_default_format: [RetryableError, 'moodle.bad_response'],
  core_user_get_users_by_field__xml_default_format_error: [RetryableError, 'moodle.bad_response'],
};
/** Batch updates answer per-item warnings with HTTP 200: the client turns them into errors. */
const WARNING_CASES: Record<string, Expected> = {
  core_user_update_users__nonexistent_user: [PermanentError, 'moodle.not_found'],
  core_user_update_users__duplicate_email: [PermanentError, 'moodle.duplicate'],
  core_course_update_courses__nonexistent_course: [PermanentError, 'moodle.not_found'],
  core_course_update_courses__duplicate_shortname: [PermanentError, 'moodle.duplicate'],
};

function isFailure(fixture: MoodleFixture): boolean {
  const response = fixture.response as { exception?: unknown } | null;
  return (
    fixture.status !== 200 ||
    fixture.response_raw !== undefined ||
    (response !== null && typeof response === 'object' && 'exception' in response)
  );
}

/** A server that answers every request with one fixture's recorded status, type and body. */
async function replay(t: Test, fixture: MoodleFixture): Promise<string> {
  const server = createServer((_req, res) => {
    const raw = fixture.response_raw;
    res.statusCode = fixture.status;
    if (raw !== undefined || fixture.status !== 200) {
      if (raw?.startsWith('<?xml')) res.setHeader('content-type', 'application/xml; charset=utf-8');
      res.end(raw ?? '');
    } else {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(fixture.response));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const log = createLogger({ service: 'test', level: 'silent' });
const fixtures = loadMoodleFixtures();
const failures = fixtures.filter(isFailure);
t.ok(failures.length >= 40, `${failures.length} recorded failures`);

for (const fixture of failures) {
  const name = fixture.file.replace(/\.json$/, '');
  t.test(
    `${name} is a ${(BY_CASE[name] ?? BY_ERRORCODE[(fixture.response as { errorcode?: string } | null)?.errorcode ?? ''])?.[0].name ?? '(no expectation)'}`,
    async (t) => {
      const expected =
        BY_CASE[name] ?? BY_ERRORCODE[(fixture.response as { errorcode?: string } | null)?.errorcode ?? ''];
      if (!expected) {
        t.fail(`no expectation for fixture ${fixture.file}: add it to BY_ERRORCODE or BY_CASE`);
        return;
      }
      const client = createMoodleClient({ url: await replay(t, fixture), token: 'fixturetoken0123456789', log });
      const error = await client.call(fixture.function, {}, z.unknown()).then(
        () => undefined,
        (e: unknown) => e,
      );
      t.ok(error instanceof expected[0], `${String((error as Error)?.name)} is ${expected[0].name}`);
      t.equal((error as PermanentError).code, expected[1]);
      if (expected[0] === PermanentError)
        t.notOk(error instanceof MoodleConfigurationError, 'not a configuration error');
    },
  );
}

for (const [name, expected] of Object.entries(WARNING_CASES)) {
  t.test(`${name}: per-item warnings become a ${expected[0].name} ${expected[1]}`, async (t) => {
    const fixture = fixtures.find((f) => f.file === `${name}.json`);
    if (!fixture) return t.fail(`fixture ${name}.json is missing`);
    const client = createMoodleClient({ url: await replay(t, fixture), token: 'fixturetoken0123456789', log });
    const update = name.startsWith('core_user')
      ? client.updateUsers([{ id: 999999, firstname: 'X' }])
      : client.updateCourses([{ id: 999999, fullname: 'X' }]);
    await t.rejects(update, expected[0]);
    await update.catch((error: PermanentError) => t.equal(error.code, expected[1]));
  });
}
