/**
 * A small, strict XML 1.0 well-formedness parser for tests: one root element, matched tags,
 * unique attributes, only the five predefined entities and character references, no
 * character XML forbids. Returns the element tree with text and attribute values decoded.
 */
export interface XmlElement {
  readonly name: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly (XmlElement | string)[];
}

const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*/;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

export class XmlError extends Error {}

export function parseXml(text: string): XmlElement {
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i)!;
    if (cp > 0xffff) i++;
    else if (cp >= 0xd800 && cp <= 0xdfff) throw new XmlError(`lone surrogate at ${i}`);
    if (!isXmlChar(cp)) throw new XmlError(`character U+${cp.toString(16)} not allowed at ${i}`);
  }
  // XML 1.0 2.11: a parser reads every literal CR or CR LF as LF.
  text = text.replace(/\r\n?/g, '\n');
  let pos = 0;
  const fail = (why: string): never => { throw new XmlError(`${why} at offset ${pos}: ${JSON.stringify(text.slice(pos, pos + 30))}`); };
  const skipSpace = (): void => { while (/[ \t\r\n]/.test(text[pos] ?? '')) pos++; };
  const expect = (s: string): void => { if (!text.startsWith(s, pos)) fail(`expected ${JSON.stringify(s)}`); pos += s.length; };
  const name = (): string => { const m = NAME.exec(text.slice(pos, pos + 200)); if (!m) fail('expected a name'); pos += m![0].length; return m![0]; };

  const decode = (raw: string, attr: boolean): string => {
    let out = '';
    for (let i = 0; i < raw.length; i++) {
      const c = raw[i]!;
      if (c === '<') fail('"<" in text or attribute');
      if (c !== '&') { out += attr && /[\t\n\r]/.test(c) ? ' ' : c; continue; }
      const end = raw.indexOf(';', i);
      if (end < 0) fail('unterminated reference');
      const ref = raw.slice(i + 1, end);
      let ch: string | undefined;
      if (/^#[0-9]+$/.test(ref)) ch = String.fromCodePoint(Number(ref.slice(1)));
      else if (/^#x[0-9A-Fa-f]+$/.test(ref)) ch = String.fromCodePoint(parseInt(ref.slice(2), 16));
      else ch = PREDEFINED[ref];
      if (ch === undefined || !isXmlChar(ch.codePointAt(0)!)) fail(`bad reference &${ref};`);
      out += ch;
      i = end;
    }
    return out;
  };

  const misc = (): void => {
    for (;;) {
      skipSpace();
      if (text.startsWith('<!--', pos)) comment();
      else if (text.startsWith('<?', pos) && !text.startsWith('<?xml', pos)) pi();
      else return;
    }
  };
  const comment = (): void => {
    const end = text.indexOf('-->', pos + 4);
    if (end < 0) fail('unterminated comment');
    if (text.slice(pos + 4, end).includes('--')) fail('"--" inside a comment');
    pos = end + 3;
  };
  const pi = (): void => { const end = text.indexOf('?>', pos); if (end < 0) fail('unterminated processing instruction'); pos = end + 2; };

  const element = (): XmlElement => {
    expect('<');
    const tag = name();
    const attrs: Record<string, string> = {};
    for (;;) {
      const hadSpace = /[ \t\r\n]/.test(text[pos] ?? '');
      skipSpace();
      if (text.startsWith('/>', pos)) { pos += 2; return { name: tag, attrs, children: [] }; }
      if (text[pos] === '>') { pos++; break; }
      if (!hadSpace) fail('expected space before an attribute');
      const an = name();
      if (an in attrs) fail(`duplicate attribute ${an}`);
      skipSpace(); expect('='); skipSpace();
      const q = text[pos];
      if (q !== '"' && q !== "'") fail('expected a quoted attribute value');
      const end = text.indexOf(q!, pos + 1);
      if (end < 0) fail('unterminated attribute value');
      attrs[an] = decode(text.slice(pos + 1, end), true);
      pos = end + 1;
    }
    const children: (XmlElement | string)[] = [];
    for (;;) {
      if (pos >= text.length) fail(`unclosed <${tag}>`);
      if (text.startsWith('</', pos)) {
        pos += 2;
        const close = name();
        if (close !== tag) fail(`</${close}> closes <${tag}>`);
        skipSpace(); expect('>');
        return { name: tag, attrs, children };
      }
      if (text.startsWith('<!--', pos)) { comment(); continue; }
      if (text.startsWith('<![CDATA[', pos)) {
        const end = text.indexOf(']]>', pos);
        if (end < 0) fail('unterminated CDATA');
        children.push(text.slice(pos + 9, end));
        pos = end + 3;
        continue;
      }
      if (text.startsWith('<?', pos)) { pi(); continue; }
      if (text[pos] === '<') { children.push(element()); continue; }
      const next = text.indexOf('<', pos);
      const raw = text.slice(pos, next < 0 ? text.length : next);
      if (raw.includes(']]>')) fail('"]]>" in text');
      children.push(decode(raw, false));
      pos += raw.length;
    }
  };

  if (text.startsWith('<?xml', pos)) {
    const end = text.indexOf('?>', pos);
    if (end < 0) fail('unterminated XML declaration');
    if (!/^<\?xml version="1\.[0-9]"( encoding="[A-Za-z][A-Za-z0-9._-]*")?( standalone="(yes|no)")?\s*\?>$/.test(text.slice(pos, end + 2))) fail('bad XML declaration');
    pos = end + 2;
  }
  misc();
  if (text[pos] !== '<') fail('expected the root element');
  const root = element();
  misc();
  if (pos !== text.length) fail('content after the root element');
  return root;
}

/** Child elements named `name`. */
export const elements = (e: XmlElement, name: string): XmlElement[] => e.children.filter((c): c is XmlElement => typeof c !== 'string' && c.name === name);

/** All text inside an element, decoded. */
export const textOf = (e: XmlElement): string => e.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('');
