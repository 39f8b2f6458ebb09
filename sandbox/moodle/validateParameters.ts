import { invalidParameter, MoodleException } from './MoodleException.ts';

/** Moodle's PARAM_* types used by the simulated functions (the names are Moodle's, they show in debuginfo). */
export type ParamType =
  | 'int'
  | 'float'
  | 'bool'
  | 'raw'
  | 'raw_trimmed'
  | 'text'
  | 'notags'
  | 'alpha'
  | 'alphanum'
  | 'alphanumext'
  | 'username'
  | 'email'
  | 'lang'
  | 'auth'
  | 'plugin'
  | 'theme'
  | 'timezone'
  | 'safedir'
  | 'sequence';

/** VALUE_REQUIRED, VALUE_OPTIONAL or VALUE_DEFAULT with its default. */
export type Presence = 'required' | 'optional' | { default: unknown };

export type ParamDesc =
  | { kind: 'value'; type: ParamType; presence: Presence }
  | { kind: 'single'; keys: Record<string, ParamDesc>; presence: Presence }
  | { kind: 'multiple'; content: ParamDesc; presence: Presence };

/** `external_value`. */
export const value = (type: ParamType, presence: Presence = 'required'): ParamDesc => ({
  kind: 'value',
  type,
  presence,
});
/** `external_single_structure`. */
export const single = (keys: Record<string, ParamDesc>, presence: Presence = 'required'): ParamDesc => ({
  kind: 'single',
  keys,
  presence,
});
/** `external_multiple_structure`. */
export const multiple = (content: ParamDesc, presence: Presence = 'required'): ParamDesc => ({
  kind: 'multiple',
  content,
  presence,
});

export const INSTALLED_LANGS = ['en'];
export const INSTALLED_AUTHS = [
  'cas',
  'db',
  'email',
  'ldap',
  'lti',
  'manual',
  'mnet',
  'nologin',
  'none',
  'oauth2',
  'shibboleth',
  'webservice',
];
export const INSTALLED_THEMES = ['boost', 'classic'];

/**
 * Moodle's `external_api::validate_parameters()`: checks `input` (strings and nested
 * arrays/objects from the form) against `desc` and returns the cleaned values (ints as
 * numbers, bools as booleans, defaults filled in, optional keys left out). Errors are
 * `invalid_parameter_exception` with Moodle's debuginfo, e.g.
 * `users => Invalid parameter value detected: Missing required key in single structure: email`.
 * Pure.
 * @throws MoodleException
 */
export function validateParameters(desc: ParamDesc, input: unknown): unknown {
  if (desc.kind === 'value') {
    if (input === null)
      throw invalidParameter(
        `Invalid external api parameter: the value is "", the server was expecting "${desc.type}" type`,
      );
    if (typeof input === 'object') throw invalidParameter('Scalar type expected, array or object received.');
    if (
      desc.type === 'bool' &&
      (typeof input === 'boolean' || input === 0 || input === 1 || input === '0' || input === '1')
    ) {
      return Boolean(Number(input));
    }
    const text = typeof input === 'boolean' ? (input ? '1' : '') : String(input);
    const cleaned = cleanParam(desc.type, text);
    if (cleaned === undefined) {
      throw invalidParameter(
        `Invalid external api parameter: the value is "${text}", the server was expecting "${desc.type}" type`,
      );
    }
    return cleaned;
  }
  if (input === null || typeof input !== 'object') {
    throw invalidParameter(`Only arrays accepted. The bad value is: '${String(input ?? '')}'`);
  }
  if (desc.kind === 'multiple') {
    return Object.values(input).map((item) => validateParameters(desc.content, item));
  }
  const rest: Record<string, unknown> = { ...(input as Record<string, unknown>) };
  const result: Record<string, unknown> = {};
  for (const [key, sub] of Object.entries(desc.keys)) {
    if (!(key in rest)) {
      if (sub.presence === 'required') throw invalidParameter(`Missing required key in single structure: ${key}`);
      if (typeof sub.presence === 'object') {
        const fallback = sub.presence.default;
        result[key] = fallback === null ? null : nested(key, () => validateParameters(sub, fallback));
      }
    } else {
      result[key] = nested(key, () => validateParameters(sub, rest[key]));
    }
    delete rest[key];
  }
  const unexpected = Object.keys(rest);
  if (unexpected.length > 0)
    throw invalidParameter(`Unexpected keys (${unexpected.join(', ')}) detected in parameter array.`);
  return result;
}

function nested(key: string, run: () => unknown): unknown {
  try {
    return run();
  } catch (error) {
    if (error instanceof MoodleException && error.errorcode === 'invalidparameter') {
      throw invalidParameter(`${key} => ${error.message}: ${error.debuginfo ?? ''}`);
    }
    throw error;
  }
}

/** PHP's `validate_param()`: the cleaned value, or undefined when cleaning changed the text. */
function cleanParam(type: ParamType, text: string): string | number | boolean | undefined {
  switch (type) {
    case 'int':
      return /^-?(0|[1-9][0-9]*)$/.test(text) && text !== '-0' && Number.isSafeInteger(Number(text))
        ? Number(text)
        : undefined;
    case 'float':
      return text !== '' &&
        text !== '.' &&
        /^[+-]?[0-9]*\.?[0-9]*(e[-+]?[0-9]+)?$/i.test(text) &&
        Number.isFinite(Number(text))
        ? Number(text)
        : undefined;
    case 'bool':
      return undefined;
    default: {
      const cleaned = cleanText(type, text);
      return cleaned === text ? cleaned : undefined;
    }
  }
}

function cleanText(type: ParamType, text: string): string {
  switch (type) {
    case 'raw':
      return text;
    case 'raw_trimmed':
      return phpTrim(text);
    case 'text':
    case 'notags':
      return stripTags(text);
    case 'alpha':
      return text.replace(/[^a-zA-Z]/g, '');
    case 'alphanum':
      return text.replace(/[^a-zA-Z0-9]/g, '');
    case 'alphanumext':
    case 'safedir':
      return text.replace(/[^a-zA-Z0-9_-]/g, '');
    case 'sequence':
      return text.replace(/[^0-9,]/g, '');
    case 'username':
      return phpTrim(text)
        .toLowerCase()
        .replace(/[^-.@_a-z0-9]/g, '');
    case 'email':
      return text === '' || validateEmail(text) ? text : '';
    case 'lang':
      return INSTALLED_LANGS.includes(text) ? text : '';
    case 'plugin':
      return isValidPluginName(text) ? text : '';
    case 'auth':
      return INSTALLED_AUTHS.includes(text) ? text : '';
    case 'theme':
      return INSTALLED_THEMES.includes(text) ? text : '';
    case 'timezone':
      return /^(([+-]?(0?[0-9](\.[5|0])?|1[0-3](\.0)?|1[0-2]\.5))|(99)|[A-Za-z0-9]+(\/?[A-Za-z_-])+)$/.test(text)
        ? text
        : '';
    default:
      return text;
  }
}

function isValidPluginName(name: string): boolean {
  return /^[a-z](?:[a-z0-9_](?!__))*[a-z0-9]+$/.test(name);
}

function phpTrim(text: string): string {
  // eslint-disable-next-line no-control-regex -- PHP's trim() characters, \0 and \x0B included
  return text.replace(/^[ \t\n\r\0\x0B]+|[ \t\n\r\0\x0B]+$/g, '');
}

/** PHP's strip_tags, near enough: `<` followed by a non-space starts a tag that runs to `>` or the end. */
export function stripTags(text: string): string {
  return text.replace(/<(?![\s])[^>]*(>|$)/g, '');
}

/**
 * Moodle's `validate_email()` (PHPMailer's check plus no `<` or `>`), near enough: a local
 * part, `@`, and a host name with at least one dot (so `noreply@127.0.0.1`-style hosts and
 * `not-an-email` fail, as in the recordings).
 */
export function validateEmail(address: string): boolean {
  if (/[<>]/.test(address)) return false;
  const match = /^([A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+)@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)$/.exec(address);
  if (!match) return false;
  const [, local, host] = match as unknown as [string, string, string];
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return false;
  if (local.length > 64 || host.length > 253) return false;
  const labels = host.split('.');
  if (/^[0-9]+$/.test(labels[labels.length - 1]!)) return false;
  return labels.every(
    (label) => label.length > 0 && label.length <= 63 && !label.startsWith('-') && !label.endsWith('-'),
  );
}
