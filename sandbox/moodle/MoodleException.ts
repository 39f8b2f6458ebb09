/**
 * A Moodle exception as the REST server reports it: HTTP 200 with
 * `{exception, errorcode, message}` and `debuginfo` only in debug mode (and only when set).
 * Class names and texts are Moodle 4.5's (see tests/fixtures/moodle/).
 */
export class MoodleException extends Error {
  readonly exception: string;
  readonly errorcode: string;
  readonly debuginfo: string | undefined;

  constructor(exception: string, errorcode: string, message: string, debuginfo?: string) {
    super(message);
    this.name = 'MoodleException';
    this.exception = exception;
    this.errorcode = errorcode;
    this.debuginfo = debuginfo;
  }

  /** The error body; `debuginfo` only when `debug` is on and the exception has one. */
  toBody(debug: boolean): { exception: string; errorcode: string; message: string; debuginfo?: string } {
    const body: { exception: string; errorcode: string; message: string; debuginfo?: string } = {
      exception: this.exception,
      errorcode: this.errorcode,
      message: this.message,
    };
    if (debug && this.debuginfo !== undefined) body.debuginfo = this.debuginfo;
    return body;
  }
}

/** `invalid_parameter_exception`: always "Invalid parameter value detected"; the reason is debuginfo. */
export function invalidParameter(debuginfo?: string): MoodleException {
  return new MoodleException(
    'core\\exception\\invalid_parameter_exception',
    'invalidparameter',
    'Invalid parameter value detected',
    debuginfo,
  );
}

/**
 * `moodle_exception`. Without a message the errorcode is not a known string id and Moodle
 * shows `error/<errorcode>` (as for the password policy and "Message was not sent.").
 */
export function moodleError(errorcode: string, message?: string, debuginfo?: string): MoodleException {
  return new MoodleException(
    'core\\exception\\moodle_exception',
    errorcode,
    message ?? `error/${errorcode}`,
    debuginfo,
  );
}

/** `webservice_access_exception`: "Access control exception", the reason in debuginfo. */
export function webserviceAccess(debuginfo: string): MoodleException {
  return new MoodleException('webservice_access_exception', 'accessexception', 'Access control exception', debuginfo);
}

/** `coding_exception` (e.g. role_assign() for a missing or deleted user). */
export function codingError(hint: string): MoodleException {
  return new MoodleException(
    'core\\exception\\coding_exception',
    'codingerror',
    `Coding error detected, it must be fixed by a programmer: ${hint}`,
  );
}

/** `dml_write_exception`, what Moodle answers when a database write fails. */
export function dmlWriteError(debuginfo = 'ERROR: could not write (simulated)'): MoodleException {
  return new MoodleException('dml_write_exception', 'dmlwriteexception', 'Error writing to database', debuginfo);
}

/**
 * `dml_missing_record_exception` from a MUST_EXIST read: the errorcode depends on the table
 * (`user` → invaliduser, `course` → invalidrecord when read by SQL), debuginfo is the SQL
 * and its parameters as PHP's var_export prints them.
 */
export function dmlMissingRecord(table: string, sql: string, params: (string | number)[]): MoodleException {
  const debuginfo = `${sql}\n[${phpVarExport(params)}]`;
  switch (table) {
    case '':
      return new MoodleException(
        'dml_missing_record_exception',
        'invalidrecordunknown',
        "Can't find data record in database.",
        debuginfo,
      );
    case 'user':
      return new MoodleException('dml_missing_record_exception', 'invaliduser', 'Invalid user', debuginfo);
    case 'course_modules':
      return new MoodleException(
        'dml_missing_record_exception',
        'invalidcoursemodule',
        'Invalid course module ID',
        debuginfo,
      );
    default:
      return new MoodleException(
        'dml_missing_record_exception',
        'invalidrecord',
        `Can't find data record in database table ${table}.`,
        debuginfo,
      );
  }
}

/** PHP's `var_export()` of a list of ints and strings. */
export function phpVarExport(values: (string | number)[]): string {
  const items = values.map(
    (value, i) => `  ${i} => ${typeof value === 'number' ? String(value) : `'${value.replace(/[\\']/g, '\\$&')}'`},\n`,
  );
  return `array (\n${items.join('')})`;
}
