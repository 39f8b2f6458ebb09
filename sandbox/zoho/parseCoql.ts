import { ZohoError } from './zohoError.ts';

export type CoqlValue = string | number | boolean | null;
export type CoqlExpr =
  | { kind: 'and' | 'or'; items: CoqlExpr[] }
  | { kind: 'compare'; field: string; operator: string; value: CoqlValue | CoqlValue[] };

export interface CoqlQuery {
  fields: string[];
  module: string;
  where: CoqlExpr | null;
  orderBy: { field: string; direction: 'asc' | 'desc' }[];
  offset: number;
  limit: number;
}

type Token = { type: 'word' | 'string' | 'number' | 'punct'; text: string; value: CoqlValue };

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i] as string;
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === "'") {
      // single-quoted string; a quote inside is written \' (COQL escaping)
      let text = '';
      i++;
      for (;;) {
        const c = sql[i];
        if (c === undefined) throw syntax('unterminated string');
        if (c === '\\' && sql[i + 1] !== undefined) {
          text += sql[i + 1];
          i += 2;
        } else if (c === "'") {
          i++;
          break;
        } else {
          text += c;
          i++;
        }
      }
      tokens.push({ type: 'string', text, value: text });
    } else if (/[0-9-]/.test(ch) && /^-?\d+(\.\d+)?(?![\w.])/.test(sql.slice(i))) {
      const text = (/^-?\d+(\.\d+)?/.exec(sql.slice(i)) as RegExpExecArray)[0];
      tokens.push({ type: 'number', text, value: Number(text) });
      i += text.length;
    } else if (/[\w$]/.test(ch)) {
      const text = (/^[\w$.]+/.exec(sql.slice(i)) as RegExpExecArray)[0];
      tokens.push({ type: 'word', text, value: text });
      i += text.length;
    } else {
      const text = /^(!=|<>|<=|>=)/.exec(sql.slice(i))?.[0] ?? ch;
      if (!/^(!=|<>|<=|>=|[=<>(),*])$/.test(text)) throw syntax(`unexpected character ${text}`);
      tokens.push({ type: 'punct', text, value: text });
      i += text.length;
    }
  }
  return tokens;
}

function syntax(near: string, clause = 'select'): ZohoError {
  return new ZohoError(400, 'SYNTAX_ERROR', `error occured in ${clause} clause near ${near}`, { clause, near });
}

/**
 * Parses the COQL subset our client uses, e.g.
 * `select Name, Grade from BTEC_Grades where Moodle_Grade_Composite_Key = '1_2_3' and Grade is not null limit 0, 200`.
 * Supports `= != <> < > <= >= like, not like, in (…), not in (…), is null, is not null`, and/or with parentheses,
 * `order by f [asc|desc]`, `limit count`, `limit offset, count`, `limit count offset n`.
 * Grammar after https://www.zoho.com/crm/developer/docs/api/v8/COQL-Overview.html (Query API; max 2000 per call, Kaizen #82).
 * Errors: 400 SYNTAX_ERROR (code from the Query API error list; details shape assumed).
 */
export function parseCoql(sql: string): CoqlQuery {
  const tokens = tokenize(sql);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isWord = (word: string, t = peek()): boolean => t?.type === 'word' && t.text.toLowerCase() === word;
  const expectWord = (word: string, clause: string): void => {
    if (!isWord(word)) throw syntax(peek()?.text ?? 'end', clause);
    pos++;
  };
  const next = (clause: string): Token => {
    const t = tokens[pos++];
    if (!t) throw syntax('end', clause);
    return t;
  };

  expectWord('select', 'select');
  const fields: string[] = [];
  for (;;) {
    const t = next('select');
    if (t.type !== 'word') throw syntax(t.text, 'select');
    fields.push(t.text);
    if (peek()?.text !== ',') break;
    pos++;
  }
  expectWord('from', 'from');
  const moduleToken = next('from');
  if (moduleToken.type !== 'word') throw syntax(moduleToken.text, 'from');

  const parseValue = (): CoqlValue => {
    const t = next('where');
    if (t.type === 'string' || t.type === 'number') return t.value;
    if (isWord('true', t)) return true;
    if (isWord('false', t)) return false;
    if (isWord('null', t)) return null;
    throw syntax(t.text, 'where');
  };
  const parseCompare = (): CoqlExpr => {
    if (peek()?.text === '(') {
      pos++;
      const inner = parseOr();
      if (next('where').text !== ')') throw syntax(tokens[pos - 1]?.text ?? 'end', 'where');
      return inner;
    }
    const field = next('where');
    if (field.type !== 'word') throw syntax(field.text, 'where');
    let operator = next('where').text.toLowerCase();
    if (operator === 'not') operator = `not ${next('where').text.toLowerCase()}`;
    if (operator === 'is') {
      operator = isWord('not') ? (pos++, 'is not null') : 'is null';
      expectWord('null', 'where');
      return { kind: 'compare', field: field.text, operator, value: null };
    }
    if (operator === '<>') operator = '!=';
    if (operator === 'in' || operator === 'not in') {
      if (next('where').text !== '(') throw syntax(operator, 'where');
      const values: CoqlValue[] = [parseValue()];
      while (peek()?.text === ',') {
        pos++;
        values.push(parseValue());
      }
      if (next('where').text !== ')') throw syntax(operator, 'where');
      return { kind: 'compare', field: field.text, operator, value: values };
    }
    if (!['=', '!=', '<', '>', '<=', '>=', 'like', 'not like'].includes(operator)) throw syntax(operator, 'where');
    return { kind: 'compare', field: field.text, operator, value: parseValue() };
  };
  const parseAnd = (): CoqlExpr => {
    const items = [parseCompare()];
    while (isWord('and')) {
      pos++;
      items.push(parseCompare());
    }
    return items.length === 1 ? (items[0] as CoqlExpr) : { kind: 'and', items };
  };
  const parseOr = (): CoqlExpr => {
    const items = [parseAnd()];
    while (isWord('or')) {
      pos++;
      items.push(parseAnd());
    }
    return items.length === 1 ? (items[0] as CoqlExpr) : { kind: 'or', items };
  };

  let where: CoqlExpr | null = null;
  if (isWord('where')) {
    pos++;
    where = parseOr();
  }
  const orderBy: CoqlQuery['orderBy'] = [];
  if (isWord('order')) {
    pos++;
    expectWord('by', 'order by');
    for (;;) {
      const field = next('order by');
      let direction: 'asc' | 'desc' = 'asc';
      if (isWord('asc') || isWord('desc')) direction = next('order by').text.toLowerCase() as 'asc' | 'desc';
      orderBy.push({ field: field.text, direction });
      if (peek()?.text !== ',') break;
      pos++;
    }
  }
  let offset = 0;
  let limit = 200;
  if (isWord('limit')) {
    pos++;
    const first = next('limit');
    if (first.type !== 'number') throw syntax(first.text, 'limit');
    limit = first.value as number;
    if (peek()?.text === ',') {
      pos++;
      const second = next('limit');
      if (second.type !== 'number') throw syntax(second.text, 'limit');
      offset = limit;
      limit = second.value as number;
    } else if (isWord('offset')) {
      pos++;
      const second = next('limit');
      if (second.type !== 'number') throw syntax(second.text, 'limit');
      offset = second.value as number;
    }
  }
  if (pos !== tokens.length) throw syntax(tokens[pos]?.text ?? 'end', 'limit');
  return { fields, module: moduleToken.text, where, orderBy, offset, limit };
}
