/**
 * A value PHP puts into `$_POST`: a string, or a PHP array shown as a JS array (keys exactly
 * 0..n-1 in that order) or as a plain object (any other keys).
 */
export type PhpFormValue = string | PhpFormValue[] | { [key: string]: PhpFormValue };
export type PhpForm = { [key: string]: PhpFormValue };

export interface ParsePhpFormOptions {
  /** PHP's `max_input_vars`: fields after this many are dropped, as PHP does. Default: no limit. */
  maxInputVars?: number;
}

type Node = string | PhpArray;
interface PhpArray {
  entries: Map<string, Node>;
  nextIndex: number;
}

/**
 * Parses an `application/x-www-form-urlencoded` body the way PHP fills `$_POST`, which is
 * what Moodle's REST server reads: `users[0][username]=a` → `{ users: [{ username: 'a' }] }`,
 * `values[]=x` appends, the last of two equal names wins, `+` is a space, a bad `%` escape
 * stays as it is, dots and spaces in the top-level name become `_`, a `[` without `]` turns
 * into `_`, text after the last `]` is ignored, and a field without a name is dropped.
 * Difference from PHP: an object with integer-like keys lists them in ascending order (JS
 * object order), where PHP keeps insertion order. Pure.
 */
export function parsePhpForm(body: string, options: ParsePhpFormOptions = {}): PhpForm {
  const root: PhpArray = { entries: new Map(), nextIndex: 0 };
  let count = 0;
  for (const pair of body.split('&')) {
    if (pair === '') continue;
    if (options.maxInputVars !== undefined && ++count > options.maxInputVars) break;
    const eq = pair.indexOf('=');
    const name = urlDecode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : urlDecode(pair.slice(eq + 1));
    register(root, name, value);
  }
  return Object.fromEntries([...root.entries].map(([key, node]) => [key, toPlain(node)]));
}

/** PHP's `php_register_variable_ex`, reduced to what matters for form fields. */
function register(root: PhpArray, rawName: string, value: string): void {
  const name = rawName.replace(/^ +/, '');
  const open = name.indexOf('[');
  let base = open === -1 ? name : name.slice(0, open);
  const indices: (string | null)[] = [];
  if (open !== -1) {
    let pos = open;
    for (;;) {
      const close = name.indexOf(']', pos + 1);
      if (close === -1) {
        // A '[' that never closes: on the first level it becomes part of the name.
        if (indices.length === 0) base = `${base}_${name.slice(pos + 1).replace(/[ .[]/g, '_')}`;
        break;
      }
      const index = name.slice(pos + 1, close);
      indices.push(index === '' ? null : index);
      if (name[close + 1] !== '[') break;
      pos = close + 1;
    }
  }
  base = base.replace(/[ .]/g, '_');
  if (base === '') return;
  const path: (string | null)[] = [base, ...indices];
  let target = root;
  for (let i = 0; i < path.length - 1; i++) {
    const key = resolveKey(target, path[i]!);
    const existing = target.entries.get(key);
    if (existing !== undefined && typeof existing !== 'string') {
      target = existing;
    } else {
      const created: PhpArray = { entries: new Map(), nextIndex: 0 };
      setEntry(target, key, created);
      target = created;
    }
  }
  setEntry(target, resolveKey(target, path[path.length - 1]!), value);
}

/** `[]` (null) takes the next integer key, as PHP's next-free-element does. */
function resolveKey(target: PhpArray, key: string | null): string {
  return key === null ? String(target.nextIndex) : key;
}

function setEntry(target: PhpArray, key: string, node: Node): void {
  target.entries.set(key, node);
  if (/^(0|-?[1-9][0-9]*)$/.test(key)) target.nextIndex = Math.max(target.nextIndex, Number(key) + 1);
}

function toPlain(node: Node): PhpFormValue {
  if (typeof node === 'string') return node;
  const keys = [...node.entries.keys()];
  if (keys.every((key, i) => key === String(i))) return [...node.entries.values()].map(toPlain);
  const out: { [key: string]: PhpFormValue } = {};
  for (const [key, child] of node.entries) out[key] = toPlain(child);
  return out;
}

/** PHP's `urldecode`: `+` is a space, `%xx` a byte, a malformed `%` is kept; bytes read as UTF-8. */
function urlDecode(text: string): string {
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '+') {
      bytes.push(0x20);
    } else if (ch === '%' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
      bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      const cp = text.codePointAt(i)!;
      const char = String.fromCodePoint(cp);
      bytes.push(...encoder.encode(char));
      i += char.length - 1;
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes));
}
