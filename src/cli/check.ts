import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkCommand, type CheckReport } from '../commands/check.js';
import { ExitCode, UsageError } from '../core/errors.js';
import { MAX_CONFIG_BYTES } from '../probes/kernel.js';
import { parseIfName, parseLabels, parseNetnsName } from '../core/names.js';
import { renderCheckMarkdown } from '../report/check-markdown.js';
import { renderCheckTable } from '../report/check-text.js';
import { renderCheckHtml } from '../report/html.js';
import { renderCheckJunit } from '../report/junit.js';
import { renderCheckPrometheus } from '../report/prometheus.js';
import { COMMON_OPTIONS, type CliCommand } from './command.js';
import { jsonDocument, requireSmallFile, writeAtomic } from './io.js';
import { hostFromOptions } from './target.js';
import { oneOf, str } from './parse.js';

export const check: CliCommand = {
  name: 'check',
  summary: 'read-only preflight: can this host carry MPLS over GRE, and if not, why',
  usage: `mplsgre check [--iface IF] [--labels L,L] [--netns NAME | --ssh [user@]host[:port]] [--kernel-config PATH]
              [--format table|json|md|html|junit|prom] [--json] [--out FILE] [--report] [--fail-on fail|warn] [--ignore ID,...] [--classes]`,
  formats: ['table', 'md', 'html', 'junit', 'prom'],
  options: {
    ...COMMON_OPTIONS,
    iface: { type: 'string' },
    labels: { type: 'string' },
    netns: { type: 'string' },
    ssh: { type: 'string' },
    'kernel-config': { type: 'string' },
    report: { type: 'boolean' },
    'fail-on': { type: 'string' },
    ignore: { type: 'string' },
    classes: { type: 'boolean' },
  },
  async run(values, positionals) {
    if (positionals.length) throw new UsageError('arguments', `check takes no arguments (got ${positionals.map((p) => JSON.stringify(p)).join(' ')}); options start with --`);
    const failOn = oneOf(values['fail-on'], '--fail-on', ['fail', 'warn'] as const, 'fail');
    const iface = values.iface === undefined ? undefined : parseIfName(str(values.iface) ?? '', '--iface');
    const labels = values.labels === undefined ? [] : parseLabels(str(values.labels) ?? '', '--labels');
    const ignore = (str(values.ignore) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const netns = values.netns === undefined ? undefined : parseNetnsName(str(values.netns) ?? '', '--netns');
    const kernelConfig = str(values['kernel-config']);
    if (kernelConfig !== undefined) requireSmallFile(kernelConfig, '--kernel-config', MAX_CONFIG_BYTES, 'a kernel config');
    // Bad input first (exit 2), then the environment (a namespace or ssh host that is not there: exit 3).
    // check's reads are one batched command: the probe runs none (ssh -N).
    const host = await hostFromOptions({ netns, ssh: str(values.ssh), probe: 'connect' });
    const report = await checkCommand({
      host, labels, ignore, failOn,
      ...(values.classes ? { classes: true } : {}),
      ...(iface ? { iface } : {}),
      ...(kernelConfig ? { kernelConfig } : {}),
    });
    if (values.report) await writeReports(report);
    return {
      result: report,
      exitCode: report.ready ? ExitCode.ok : ExitCode.failed,
      render: {
        table: (style) => renderCheckTable(report, style),
        md: () => renderCheckMarkdown(report),
        html: () => renderCheckHtml(report),
        junit: () => renderCheckJunit(report),
        prom: () => renderCheckPrometheus(report),
      },
    };
  },
};

/** reports/HOST-UTCSTAMP.json and .md, beside the working directory. */
async function writeReports(r: CheckReport): Promise<void> {
  const stamp = r.startedAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const base = join('reports', `${r.hostname.replace(/[^A-Za-z0-9._-]/g, '_')}-${stamp}`);
  mkdirSync('reports', { recursive: true });
  await writeAtomic(`${base}.json`, jsonDocument('check', r, null), '--report');
  await writeAtomic(`${base}.md`, renderCheckMarkdown(r), '--report');
}
