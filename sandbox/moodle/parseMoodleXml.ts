/** An element of Moodle's REST XML. */
interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/**
 * Reads the XML Moodle's REST server writes (RESPONSE / SINGLE / MULTIPLE / KEY / VALUE, or
 * EXCEPTION / ERRORCODE / MESSAGE / DEBUGINFO) back into the JSON value it stands for:
 * SINGLE → object, MULTIPLE → array, VALUE → string (null for `null="null"`), an empty
 * RESPONSE → null, EXCEPTION → `{exception, errorcode, message[, debuginfo]}`. Lets XML
 * answers be compared like JSON ones. Pure.
 * @throws Error on XML outside that subset
 */
export function parseMoodleXml(xml: string): unknown {
  const root = parseElements(xml);
  if (root.name === 'EXCEPTION') {
    const text = (name: string) => root.children.find((c) => c.name === name)?.text;
    const out: Record<string, unknown> = {
      exception: root.attrs.class ?? '',
      errorcode: text('ERRORCODE') ?? '',
      message: text('MESSAGE') ?? '',
    };
    const debuginfo = text('DEBUGINFO');
    if (debuginfo !== undefined) out.debuginfo = debuginfo;
    return out;
  }
  if (root.name !== 'RESPONSE') throw new Error(`unexpected root element ${root.name}`);
  return root.children[0] === undefined ? null : toValue(root.children[0]);
}

function toValue(element: XmlElement): unknown {
  switch (element.name) {
    case 'SINGLE':
      return Object.fromEntries(
        element.children.map((key) => {
          if (key.name !== 'KEY' || key.children.length !== 1)
            throw new Error('SINGLE must hold KEY elements with one value each');
          return [key.attrs.name ?? '', toValue(key.children[0]!)];
        }),
      );
    case 'MULTIPLE':
      return element.children.map(toValue);
    case 'VALUE':
      return element.attrs.null === 'null' ? null : element.text;
    default:
      throw new Error(`unexpected element ${element.name}`);
  }
}

function parseElements(xml: string): XmlElement {
  const token = /<\?[^?]*\?>|<\/([A-Z]+)>|<([A-Z]+)((?:\s+[a-z]+="[^"]*")*)\s*(\/?)>|([^<]+)/gy;
  const stack: XmlElement[] = [{ name: '#document', attrs: {}, children: [], text: '' }];
  let match: RegExpExecArray | null;
  while (token.lastIndex < xml.length && (match = token.exec(xml)) !== null) {
    const [, closing, opening, attrText, selfClosing, text] = match;
    const top = stack[stack.length - 1]!;
    if (closing !== undefined) {
      if (top.name !== closing) throw new Error(`</${closing}> closes <${top.name}>`);
      stack.pop();
    } else if (opening !== undefined) {
      const attrs = Object.fromEntries(
        [...(attrText ?? '').matchAll(/([a-z]+)="([^"]*)"/g)].map(([, k, v]) => [k!, decode(v!)]),
      );
      const element: XmlElement = { name: opening, attrs, children: [], text: '' };
      top.children.push(element);
      if (selfClosing !== '/') stack.push(element);
    } else if (text !== undefined) {
      top.text += decode(text);
    }
  }
  if (token.lastIndex < xml.length || stack.length !== 1) throw new Error('malformed XML');
  const [root] = stack[0]!.children;
  if (!root) throw new Error('no root element');
  return root;
}

function decode(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|#[0-9]+);/g, (entity, name: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };
    return named[name] ?? String.fromCodePoint(Number(name.slice(1)));
  });
}
