import t from 'tap';
import {
  codingError,
  dmlMissingRecord,
  dmlWriteError,
  invalidParameter,
  moodleError,
  phpVarExport,
  webserviceAccess,
} from '../../../sandbox/moodle/MoodleException.ts';

t.test('error bodies show debuginfo only in debug mode and only when there is one', async (t) => {
  const error = invalidParameter('why');
  t.same(error.toBody(false), {
    exception: 'core\\exception\\invalid_parameter_exception',
    errorcode: 'invalidparameter',
    message: 'Invalid parameter value detected',
  });
  t.same(error.toBody(true), { ...error.toBody(false), debuginfo: 'why' });
  t.same(Object.keys(moodleError('x', 'y').toBody(true)), ['exception', 'errorcode', 'message']);
});

t.test('an errorcode that is not a language string shows as error/<errorcode>', async (t) => {
  t.equal(moodleError('Message was not sent.').message, 'error/Message was not sent.');
});

t.test('dml_missing_record_exception: errorcode by table, SQL and var_export parameters as debuginfo', async (t) => {
  t.same(dmlMissingRecord('user', 'SELECT * FROM {user} WHERE id = ? AND deleted = ?', [999999, 0]).toBody(true), {
    exception: 'dml_missing_record_exception',
    errorcode: 'invaliduser',
    message: 'Invalid user',
    debuginfo: 'SELECT * FROM {user} WHERE id = ? AND deleted = ?\n[array (\n  0 => 999999,\n  1 => 0,\n)]',
  });
  t.equal(dmlMissingRecord('course', 'q', []).message, "Can't find data record in database table course.");
  t.equal(dmlMissingRecord('course_modules', 'q', []).errorcode, 'invalidcoursemodule');
  t.equal(dmlMissingRecord('', 'q', []).errorcode, 'invalidrecordunknown');
  t.equal(phpVarExport(["it's", 'a\\b', 3]), "array (\n  0 => 'it\\'s',\n  1 => 'a\\\\b',\n  2 => 3,\n)");
});

t.test("the other Moodle exceptions have Moodle's class, errorcode and message", async (t) => {
  t.match(webserviceAccess('d').toBody(true), {
    exception: 'webservice_access_exception',
    errorcode: 'accessexception',
    message: 'Access control exception',
    debuginfo: 'd',
  });
  t.match(dmlWriteError().toBody(false), {
    exception: 'dml_write_exception',
    errorcode: 'dmlwriteexception',
    message: 'Error writing to database',
  });
  t.match(codingError('x').toBody(false), {
    exception: 'core\\exception\\coding_exception',
    errorcode: 'codingerror',
    message: 'Coding error detected, it must be fixed by a programmer: x',
  });
});
