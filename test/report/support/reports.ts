import { checkCommand, type CheckReport } from '../../../src/commands/check.js';
import { ReplayHost } from '../../../src/host/replay.js';
import { factNames, loadFacts } from '../../support/fixtures.js';

/** A CheckReport produced by the real checks from facts recorded on a real kernel (test/fixtures/facts). */
export async function recordedReport(name: string): Promise<CheckReport> {
  const rec = loadFacts(name);
  const o = rec.recorded.options;
  return checkCommand({
    host: new ReplayHost(rec, name), labels: o.labels, ignore: [], failOn: 'fail',
    ...(o.target ? { target: o.target } : {}), ...(o.iface ? { iface: o.iface } : {}), ...(o.kernelConfig ? { kernelConfig: o.kernelConfig } : {}), ...(o.classes ? { classes: true } : {}),
  });
}

/** Every recorded fixture, as reports, in name order. */
export const allRecordedReports = async (): Promise<{ name: string; report: CheckReport }[]> =>
  Promise.all(factNames().map(async (name) => ({ name, report: await recordedReport(name) })));

/** Text a hostile or careless host could put in a hostname, kernel string or file it reports. */
export const HOSTILE = [
  '<script>document.title="pwned"</script>',
  '<img src=x onerror="document.title=\'pwned\'">',
  '"quoted" & \'single\' & <b>bold</b> &amp; &#60;',
  'back\\slash "dq"\nnew line\r\tand tab',
  'ünïcødé ✓ 日本語 🚀 \u202Eright-to-left',
  'ctl\u0000\u0007\u001b[31m\u007f end',
  'lone \uD800 surrogate',
  ']]><!-- --> <![CDATA[x]]>',
] as const;

/** What survives escaping for XML and HTML: characters XML cannot carry and lone surrogates become U+FFFD. */
export const carried = (s: string): string =>
  wellFormed(s).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD');

/** Lone surrogates (which no UTF-8 text can hold) as U+FFFD. */
export const wellFormed = (s: string): string => s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');

/** A recorded report whose host-provided strings are replaced by hostile text (the checks' verdicts are kept). */
export function hostile(r: CheckReport, text: string): CheckReport {
  return {
    ...r,
    hostname: text,
    target: `netns:${text}`,
    kernel: text,
    checks: r.checks.map((c) => ({
      ...c,
      summary: `${c.summary} ${text}`,
      evidence: [...c.evidence, { source: text, value: text }],
      ...(c.remediation ? { remediation: `${c.remediation} ${text}` } : {}),
    })),
  };
}
