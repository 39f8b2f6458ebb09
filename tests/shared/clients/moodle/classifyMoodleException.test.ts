import t from 'tap';
import {
  classifyMoodleException,
  classifyMoodleHttp,
  MoodleConfigurationError,
} from '../../../../shared/clients/moodle/moodleErrors.ts';
import { PermanentError, RetryableError } from '../../../../shared/domain/errors.ts';

const e = (exception: string, errorcode: string, message = 'm') => ({ exception, errorcode, message });

t.test('classifies each kind of Moodle exception (one row per rule)', async (t) => {
  const cases: [string, ReturnType<typeof e>, typeof PermanentError, string][] = [
    [
      'invalid token',
      e('core\\exception\\moodle_exception', 'invalidtoken'),
      MoodleConfigurationError,
      'moodle.invalid_token',
    ],
    [
      'function not in the service / no capability',
      e('webservice_access_exception', 'accessexception'),
      MoodleConfigurationError,
      'moodle.access_denied',
    ],
    [
      'unknown function',
      e(
        'dml_missing_record_exception',
        'invalidrecord',
        "Can't find data record in database table external_functions.",
      ),
      MoodleConfigurationError,
      'moodle.function_missing',
    ],
    [
      'service user must log in',
      e('moodle_exception', 'servicerequireslogin'),
      MoodleConfigurationError,
      'moodle.service_user',
    ],
    [
      'e-mail broken',
      e('core\\exception\\moodle_exception', 'Message was not sent.', 'error/Message was not sent.'),
      MoodleConfigurationError,
      'moodle.email_failed',
    ],
    [
      'database write failed',
      e('dml_write_exception', 'dmlwriteexception', 'Error writing to database'),
      RetryableError,
      'moodle.database',
    ],
    [
      'database read failed',
      e('dml_read_exception', 'dmlreadexception', 'Error reading from database'),
      RetryableError,
      'moodle.database',
    ],
    ['maintenance mode', e('moodle_exception', 'sitemaintenance'), RetryableError, 'moodle.maintenance'],
    [
      'invalid parameter',
      e('core\\exception\\invalid_parameter_exception', 'invalidparameter'),
      PermanentError,
      'moodle.invalid_parameter',
    ],
    [
      'duplicate shortname',
      e('core\\exception\\moodle_exception', 'shortnametaken'),
      PermanentError,
      'moodle.duplicate',
    ],
    ['missing user', e('dml_missing_record_exception', 'invaliduser'), PermanentError, 'moodle.not_found'],
    [
      'missing course',
      e('dml_missing_record_exception', 'invalidrecord', "Can't find data record in database table course."),
      PermanentError,
      'moodle.not_found',
    ],
    [
      'password policy',
      e('core\\exception\\moodle_exception', '<div>Passwords must…</div>', 'error/<div>Passwords must…</div>'),
      PermanentError,
      'moodle.password_policy',
    ],
    [
      'bad category',
      e('core\\exception\\moodle_exception', 'errorcatcontextnotvalid'),
      PermanentError,
      'moodle.invalid_category',
    ],
    [
      'admin cannot be deleted',
      e('core\\exception\\moodle_exception', 'useradminodelete'),
      PermanentError,
      'moodle.refused',
    ],
    [
      'cannot assign role',
      e('core\\exception\\moodle_exception', 'wsusercannotassign'),
      PermanentError,
      'moodle.permission',
    ],
    ['anything else', e('core\\exception\\coding_exception', 'codingerror'), PermanentError, 'moodle.error'],
  ];
  for (const [name, exception, ErrorClass, code] of cases) {
    const error = classifyMoodleException('some_function', exception);
    t.ok(error instanceof ErrorClass, `${name}: ${ErrorClass.name}`);
    t.equal(error.code, code, `${name}: ${code}`);
  }
  t.notOk(
    classifyMoodleException('f', e('x', 'invalidparameter')) instanceof MoodleConfigurationError,
    'permanent is not configuration',
  );
});

t.test("keeps Moodle's words, without HTML or the error/ prefix, and with debuginfo when given", async (t) => {
  const error = classifyMoodleException('core_user_create_users', {
    ...e('x', '<div>Too short</div>', 'error/<div>Too short</div>'),
    debuginfo: 'users => bad',
  });
  t.equal(error.message, 'core_user_create_users: Too short (users => bad) [<div>Too short</div>]');
});

t.test('classifies HTTP answers that are not Moodle JSON', async (t) => {
  const cases: [number, string, string, typeof PermanentError, string][] = [
    [403, '', '', MoodleConfigurationError, 'moodle.webservices_disabled'],
    [404, 'text/html', '<html>', MoodleConfigurationError, 'moodle.not_found_url'],
    [500, 'text/html', 'oops', RetryableError, 'moodle.unavailable'],
    [503, '', '', RetryableError, 'moodle.unavailable'],
    [429, '', '', RetryableError, 'moodle.unavailable'],
    [408, '', '', RetryableError, 'moodle.unavailable'],
    [401, 'text/html', 'no', PermanentError, 'moodle.http'],
    [200, 'text/html', '<html>maintenance</html>', RetryableError, 'moodle.bad_response'],
  ];
  for (const [status, type, body, ErrorClass, code] of cases) {
    const error = classifyMoodleHttp('f', status, type, body);
    t.ok(error instanceof ErrorClass, `${status} ${type}: ${ErrorClass.name}`);
    t.equal(error.code, code);
  }
});
