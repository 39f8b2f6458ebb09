/**
 * PHP's `json_encode()` without flags, as Moodle's REST server sends it: like JSON.stringify,
 * but `/` is written `\/` and every non-ASCII character as `\uXXXX` (UTF-16 units).
 * Object keys whose value is `undefined` are left out. Pure.
 */
export function phpJsonEncode(value: unknown): string {
  const json = JSON.stringify(value) ?? 'null';
  return json.replace(/[/\u0080-\uffff]/g, (ch) =>
    ch === '/' ? '\\/' : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
