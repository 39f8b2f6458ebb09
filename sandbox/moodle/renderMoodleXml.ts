import type { MoodleException } from './MoodleException.ts';

const PROLOG = '<?xml version="1.0" encoding="UTF-8" ?>\n';

/**
 * The REST server's XML answer (`moodlewsrestformat` missing or `xml`), as
 * `webservice_rest_server::xmlize_result()` writes it: arrays are `<MULTIPLE>`, objects
 * `<SINGLE>` with `<KEY name="…">`, scalars `<VALUE>` (booleans as 1/0), and `null` or
 * `undefined` values `<VALUE null="null"/>` (so a key that JSON leaves out because it is
 * `undefined` still shows in XML, as Moodle's optional return values do). A top-level
 * `null` is a void function: an empty `<RESPONSE>`. Pure.
 */
export function renderMoodleXml(result: unknown): string {
  return `${PROLOG}<RESPONSE>\n${result === null || result === undefined ? '' : xmlize(result)}</RESPONSE>\n`;
}

/** The XML error body, with `<DEBUGINFO>` only in debug mode. Pure. */
export function renderMoodleXmlException(error: MoodleException, debug: boolean): string {
  const debuginfo =
    debug && error.debuginfo !== undefined ? `<DEBUGINFO>${escapeXml(error.debuginfo)}</DEBUGINFO>\n` : '';
  return `${PROLOG}<EXCEPTION class="${error.exception}">\n<ERRORCODE>${escapeXml(error.errorcode)}</ERRORCODE>\n<MESSAGE>${escapeXml(error.message)}</MESSAGE>\n${debuginfo}</EXCEPTION>\n`;
}

function xmlize(value: unknown): string {
  if (value === null || value === undefined) return '<VALUE null="null"/>\n';
  if (Array.isArray(value)) return `<MULTIPLE>\n${value.map(xmlize).join('')}</MULTIPLE>\n`;
  if (typeof value === 'object') {
    const keys = Object.entries(value).map(([key, item]) => `<KEY name="${key}">${xmlize(item)}</KEY>\n`);
    return `<SINGLE>\n${keys.join('')}</SINGLE>\n`;
  }
  const text = typeof value === 'boolean' ? (value ? '1' : '0') : String(value);
  return `<VALUE>${escapeXml(text)}</VALUE>\n`;
}

/** PHP's htmlspecialchars(ENT_COMPAT). */
function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
