/**
 * Escapes for the report formats that embed host-provided text (hostnames, kernel strings,
 * file contents in evidence). Every renderer in src/report must pass such text through one of these.
 */

/** Lone UTF-16 surrogates cannot be encoded: they would become U+FFFD anyway, so say so here. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/** Characters XML 1.0 forbids even as references; HTML treats them as parse errors. */
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

const wellFormed = (s: string): string => s.replace(LONE_SURROGATE, '\uFFFD');

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text safe in HTML element content and in quoted attribute values: `& < > " '` become
 * references and characters that are not allowed become U+FFFD. Unicode is kept as is.
 */
export function escapeHtml(s: string): string {
  return wellFormed(s).replace(NOT_XML_CHAR, '\uFFFD').replace(/[&<>"']/g, (c) => ENTITY[c]!);
}

/** XML 1.0 character data (element text): as HTML, and CR as a reference (parsers turn a bare CR into LF). */
export function escapeXml(s: string): string {
  return escapeHtml(s).replace(/\r/g, '&#13;');
}

/** An XML attribute value: as text, and tab, newline and CR as references so parsers keep them. */
export function escapeXmlAttr(s: string): string {
  return escapeXml(s).replace(/[\t\n\r]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A Prometheus label value (text exposition format): backslash, double quote and newline escaped. */
export function escapePromLabel(s: string): string {
  return wellFormed(s).replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/** A Prometheus `# HELP` docstring: backslash and newline escaped. */
export function escapePromHelp(s: string): string {
  return wellFormed(s).replace(/[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\\\'));
}
