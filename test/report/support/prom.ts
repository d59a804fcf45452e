/**
 * The Prometheus text exposition format (0.0.4), strictly: every line a HELP, TYPE, comment or
 * sample; each family's HELP and TYPE once and before its samples, its samples together;
 * label values with only the escapes \\ \" \n. Throws on the first line that breaks a rule.
 */
export interface PromSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const METRIC = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL = '[a-zA-Z_][a-zA-Z0-9_]*';
const LVALUE = '"(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
const FLOAT = '[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?Inf|NaN';
const SAMPLE = new RegExp(`^(${METRIC})(?:\\{((?:${LABEL}=${LVALUE}(?:,${LABEL}=${LVALUE})*)?,?)\\})? (${FLOAT})(?: (-?[0-9]+))?$`);
const HELP = new RegExp(`^# HELP (${METRIC}) ((?:[^\\\\\\n]|\\\\[\\\\n])*)$`);
const TYPE = new RegExp(`^# TYPE (${METRIC}) (counter|gauge|histogram|summary|untyped)$`);
const PAIR = new RegExp(`(${LABEL})=(${LVALUE})`, 'g');

const unescape = (quoted: string): string => quoted.slice(1, -1).replace(/\\([\\"n])/g, (_m, c: string) => (c === 'n' ? '\n' : c));

export function parseProm(text: string): PromSample[] {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  const samples: PromSample[] = [];
  const helped = new Set<string>();
  const typed = new Set<string>();
  const closed = new Set<string>();
  let current: string | undefined;
  const enter = (name: string, n: number): void => {
    if (name === current) return;
    if (closed.has(name)) throw new Error(`line ${n}: ${name} appears again after another family`);
    if (current) closed.add(current);
    current = name;
  };
  lines.forEach((line, i) => {
    const n = i + 1;
    let m: RegExpExecArray | null;
    if ((m = HELP.exec(line))) {
      if (helped.has(m[1]!)) throw new Error(`line ${n}: second HELP for ${m[1]}`);
      helped.add(m[1]!); enter(m[1]!, n);
    } else if ((m = TYPE.exec(line))) {
      if (typed.has(m[1]!)) throw new Error(`line ${n}: second TYPE for ${m[1]}`);
      if (samples.some((s) => s.name === m![1])) throw new Error(`line ${n}: TYPE after samples of ${m[1]}`);
      typed.add(m[1]!); enter(m[1]!, n);
    } else if (line.startsWith('#')) {
      if (/^# (HELP|TYPE) /.test(line)) throw new Error(`line ${n}: malformed ${line.slice(2, 6)}: ${line}`);
    } else if ((m = SAMPLE.exec(line))) {
      enter(m[1]!, n);
      const labels: Record<string, string> = {};
      for (const p of (m[2] ?? '').matchAll(PAIR)) {
        if (p[1]! in labels) throw new Error(`line ${n}: duplicate label ${p[1]}`);
        labels[p[1]!] = unescape(p[2]!);
      }
      const v = m[3]!;
      samples.push({ name: m[1]!, labels, value: v.endsWith('Inf') ? (v.startsWith('-') ? -Infinity : Infinity) : Number(v) });
    } else {
      throw new Error(`line ${n} is not in the exposition format: ${JSON.stringify(line)}`);
    }
  });
  const keys = samples.map((s) => `${s.name}${JSON.stringify(Object.entries(s.labels).sort())}`);
  const dup = keys.find((k, i) => keys.indexOf(k) !== i);
  if (dup) throw new Error(`duplicate series ${dup}`);
  return samples;
}
