/**
 * Campaign: parsers never hang. Timed assertions are not allowed in tests, so this one is
 * structural: every regular expression in the parsers of untrusted input (captures, `ip -j`
 * output, kernel configs, the planner's output checks) is found in the source with the TypeScript
 * parser and must have no nested repetition (`(a+)+`) and no repeated alternation (`(a|ab)*`), the
 * two shapes behind exponential backtracking. bench/parsers.bench.ts times each parser on input
 * of growing size to show the linear cost.
 */
import { expect } from 'chai';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { ROOT } from '../support/fixtures.js';

interface Group { repeats: boolean; alternation: boolean }

/** The backtracking hazards in one pattern: nested repetition and repeated alternation. */
export function regexHazards(source: string): string[] {
  const problems: string[] = [];
  const stack: Group[] = [{ repeats: false, alternation: false }];
  let closed: Group | undefined;
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    const top = stack[stack.length - 1]!;
    if (c === '\\') {
      i += 2;
      closed = undefined;
    } else if (c === '[') {
      i++;
      if (source[i] === '^') i++;
      if (source[i] === ']') i++;
      while (i < source.length && source[i] !== ']') i += source[i] === '\\' ? 2 : 1;
      i++;
      closed = undefined;
    } else if (c === '(') {
      stack.push({ repeats: false, alternation: false });
      i++;
      if (source[i] === '?') i += source[i + 1] === '<' && source[i + 2] !== '=' && source[i + 2] !== '!' ? source.indexOf('>', i) - i + 1 : 2;
      closed = undefined;
    } else if (c === ')') {
      closed = stack.length > 1 ? stack.pop() : undefined;
      if (closed) stack[stack.length - 1]!.repeats ||= closed.repeats;
      i++;
    } else if (c === '|') {
      top.alternation = true;
      i++;
      closed = undefined;
    } else if (c === '*' || c === '+' || c === '?' || (c === '{' && /^\{\d+(,\d*)?\}/.test(source.slice(i)))) {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
      const repeats = c === '*' || c === '+' || (m !== null && m[2] !== undefined && (m[3] === '' || Number(m[3]) > 1)) || (m !== null && m[2] === undefined && Number(m[1]) > 1);
      if (repeats) {
        if (closed?.repeats) problems.push(`nested repetition before offset ${i}`);
        if (closed?.alternation) problems.push(`repeated alternation before offset ${i}`);
        top.repeats = true;
      }
      i += m ? m[0].length : 1;
      if (source[i] === '?') i++;
      closed = undefined;
    } else {
      i++;
      closed = undefined;
    }
  }
  return problems;
}

/** The parsers of untrusted input: every capture reader, the probes' readers, the ip -j readers, the plan's output checks. */
const FILES = [
  ...readdirSync(join(ROOT, 'src', 'capture')).filter((f) => f.endsWith('.ts')).map((f) => join('src', 'capture', f)),
  ...readdirSync(join(ROOT, 'src', 'probes')).filter((f) => f.endsWith('.ts')).map((f) => join('src', 'probes', f)),
  'src/diagnose/tunnels.ts', 'src/diagnose/ip-json.ts', 'src/probes/cause-facts.ts', 'src/core/plan-check.ts', 'src/core/planner.ts',
];

/** Regex literals, `new RegExp('...')` / `RegExp(`...`)` with a literal pattern, and `pattern:` properties (the planner's). */
function regexesIn(file: string): { where: string; source: string }[] {
  const sf = ts.createSourceFile(file, readFileSync(join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const out: { where: string; source: string }[] = [];
  const where = (n: ts.Node): string => `${file}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
  const text = (n: ts.Node | undefined): string | undefined =>
    n && (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) ? n.text : n && ts.isTemplateExpression(n) ? [n.head.text, ...n.templateSpans.map((s) => `0${s.literal.text}`)].join('') : undefined;
  const visit = (n: ts.Node): void => {
    if (n.kind === ts.SyntaxKind.RegularExpressionLiteral) {
      const lit = n.getText(sf);
      out.push({ where: where(n), source: lit.slice(1, lit.lastIndexOf('/')) });
    } else if ((ts.isNewExpression(n) || ts.isCallExpression(n)) && ts.isIdentifier(n.expression) && n.expression.text === 'RegExp') {
      const s = text(n.arguments?.[0]);
      if (s !== undefined) out.push({ where: where(n), source: s });
    } else if (ts.isPropertyAssignment(n) && ts.isIdentifier(n.name) && n.name.text === 'pattern') {
      const s = text(n.initializer);
      if (s !== undefined) out.push({ where: where(n), source: s });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

describe('hardening: regular expressions of the parsers (no super-linear backtracking shapes)', () => {
  it('the audit finds the hazards it looks for', () => {
    for (const bad of ['(a+)+', '(a*)*b', '(\\d+\\.?)+$', '(a|ab)*c', '(?:x|y)+', '((a)+){2,}', '(a+){3}', '([0-9]+,)*z']) expect(regexHazards(bad), bad).to.not.deep.equal([]);
    for (const good of ['^\\d+ {2}', '(a+)?', '(ab){0,1}', '[(+*]+', '\\(a+\\)+', '^(\\d{1,4})\\.(\\d{1,4})(?:\\.(\\d{1,6}))?', '(?<name>a)b+', 'a(b|c)d']) expect(regexHazards(good), good).to.deep.equal([]);
  });

  const found = FILES.flatMap(regexesIn);

  it(`${found.length} patterns in ${FILES.length} files, none with nested repetition or repeated alternation`, () => {
    expect(found.length).to.be.at.least(10);
    // The ones the parsers are known to use are among them: the collector reads what it should.
    for (const known of ['^\\d+ {2}', '^"(.*)"$', '\\bencap mpls\\s+([0-9/]+)']) expect(found.map((f) => f.source)).to.include(known);
    const hazards = found.flatMap((f) => regexHazards(f.source).map((h) => `${f.where} /${f.source}/: ${h}`));
    expect(hazards).to.deep.equal([]);
  });
});
