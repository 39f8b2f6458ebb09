/**
 * Moodle's REST protocol takes PHP-style form fields: `users[0][username]=…`,
 * `criteria[0][key]=…`, `values[0]=…`. Booleans go as 1/0 (Moodle's PARAM_BOOL refuses
 * "true"), undefined and null are left out. Pure.
 */
export type MoodleParam = string | number | boolean | null | undefined | MoodleParam[] | { [key: string]: MoodleParam };

export function encodeMoodleParams(params: Record<string, MoodleParam>): [string, string][] {
  const fields: [string, string][] = [];
  const add = (name: string, value: MoodleParam) => {
    if (value === undefined || value === null) return;
    if (Array.isArray(value)) {
      value.forEach((item, index) => add(`${name}[${index}]`, item));
    } else if (typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) add(`${name}[${key}]`, item);
    } else if (typeof value === 'boolean') {
      fields.push([name, value ? '1' : '0']);
    } else {
      fields.push([name, String(value)]);
    }
  };
  for (const [key, value] of Object.entries(params)) add(key, value);
  return fields;
}
