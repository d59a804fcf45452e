import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONCURRENCY, DEFAULT_HOST_TIMEOUT_S, fleetCommand, fleetExitCode, parseInventory, type FleetHost, type FleetReport, type UnreachableHost } from '../commands/fleet.js';
import type { CheckReport } from '../commands/check.js';
import { EnvironmentError, UsageError } from '../core/errors.js';
import { parseIfName, parseLabels } from '../core/names.js';
import { MAX_FILE_BYTES, utf8Text } from '../core/yaml-tree.js';
import { renderCheckMarkdown } from '../report/check-markdown.js';
import { renderFleetMarkdown, renderFleetTable } from '../report/fleet-text.js';
import { renderFleetHtml } from '../report/html.js';
import { renderFleetJunit } from '../report/junit.js';
import { renderFleetPrometheus } from '../report/prometheus.js';
import { COMMON_OPTIONS, type CliCommand, type CliOutcome } from './command.js';
import { jsonDocument, readSmallFile, writeAtomic } from './io.js';
import { sshConfigOption } from './target.js';
import { intOption, oneOf, str } from './parse.js';


export const fleet: CliCommand = {
  name: 'fleet',
  summary: 'check many hosts over ssh at once: a hosts x checks table',
  usage: `mplsgre fleet INVENTORY [--concurrency N] [--timeout S] [--iface IF] [--labels L,L] [--ssh-config FILE]
              [--fail-on fail|warn] [--classes] [--report] [--format table|json|md|html|junit|prom|ndjson] [--json] [--out FILE]
  INVENTORY: YAML (hosts: [{target: ssh:[user@]host[:port], iface?, labels?}]) or one
  ssh:[user@]host[:port] or [user@]host[:port] per line (# comments).
  Output: table, md, html, junit, prom and json are written when every host is done (failing hosts
  first); ndjson streams one line per host as it finishes, then a summary line. --out writes
  atomically (a temporary file renamed: safe for node_exporter's textfile collector). Progress
  goes to stderr when it is a terminal. --report writes reports/fleet-UTCSTAMP/TARGET.json (and .md).
  Exit: 0 all ready, 1 a host is not ready, 3 a host could not be reached or timed out (3 wins over 1).`,
  formats: ['table', 'md', 'html', 'junit', 'prom', 'ndjson'],
  options: {
    ...COMMON_OPTIONS,
    concurrency: { type: 'string' },
    timeout: { type: 'string' },
    iface: { type: 'string' },
    labels: { type: 'string' },
    'ssh-config': { type: 'string' },
    'fail-on': { type: 'string' },
    report: { type: 'boolean' },
    classes: { type: 'boolean' },
  },
  async run(values, positionals, ctx) {
    const [file, ...extra] = positionals;
    if (file === undefined) throw new UsageError('INVENTORY', 'missing: mplsgre fleet INVENTORY');
    if (extra.length) throw new UsageError('arguments', `one inventory only (got also ${extra.join(' ')})`);
    const concurrency = intOption(values.concurrency, '--concurrency', 1, 1024, DEFAULT_CONCURRENCY);
    const timeoutS = intOption(values.timeout, '--timeout', 1, 3600, DEFAULT_HOST_TIMEOUT_S);
    const iface = values.iface === undefined ? undefined : parseIfName(str(values.iface) ?? '', '--iface');
    const labels = values.labels === undefined ? [] : parseLabels(str(values.labels) ?? '', '--labels');
    const failOn = oneOf(values['fail-on'], '--fail-on', ['fail', 'warn'] as const, 'fail');
    const ssh = sshConfigOption(values['ssh-config']);
    const text = utf8Text(readSmallFile(file, 'INVENTORY', MAX_FILE_BYTES, 'an inventory'), file, 'INVENTORY');
    const entries = parseInventory(text, file);
    const reportDir = values.report ? join('reports', `fleet-${new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`) : undefined;
    if (reportDir) mkdirSync(reportDir, { recursive: true });
    // ndjson to stdout streams as hosts finish; into --out it is written whole, atomically, at the end.
    const streaming = !values.json && str(values.format) === 'ndjson' && values.out === undefined;
    const result = await fleetCommand({
      entries, concurrency, timeoutMs: timeoutS * 1000, labels, failOn,
      ...(iface ? { iface } : {}),
      ...(values.classes ? { classes: true } : {}),
      ssh,
      onHost: async (host, done, total) => {
        if (ctx.stderrIsTTY) ctx.log(`[${done}/${total}] ${host.target}: ${status(host)}`);
        if (streaming) ctx.write(hostLine(host));
        if (reportDir) await writeHostReport(reportDir, host);
      },
    });
    return { result, exitCode: fleetExitCode(result), render: fleetRenderers(result, streaming) };
  },
};

/** Every --format of a fleet run; `streamed`: the host lines of ndjson were already written. */
export function fleetRenderers(result: FleetReport, streamed = false): CliOutcome['render'] {
  const checked = (): CheckReport[] => result.hosts.filter((h): h is FleetHost & CheckReport => h.reachable);
  const lost = (): UnreachableHost[] => result.hosts.filter((h): h is UnreachableHost => !h.reachable);
  return {
    table: (style) => renderFleetTable(result, style),
    md: () => renderFleetMarkdown(result),
    html: () => renderFleetHtml(checked(), lost()),
    junit: () => renderFleetJunit(checked(), 'mplsgre fleet', lost()),
    prom: () => renderFleetPrometheus(checked(), lost()),
    ndjson: () => (streamed ? '' : result.hosts.map(hostLine).join('')) + summaryLine(result),
  };
}

const status = (h: FleetHost): string => (!h.reachable ? (h.timedOut ? 'timed out' : `unreachable (${h.error})`) : h.ready ? 'ready' : 'not ready');

/** ndjson: `{"type":"host",...FleetHost}` per host in completion order, then `{"type":"summary",...}` without the hosts. */
const hostLine = (h: FleetHost): string => `${JSON.stringify({ type: 'host', ...h })}\n`;
const summaryLine = (r: FleetReport): string => {
  const { hosts: _hosts, ...rest } = r;
  return `${JSON.stringify({ type: 'summary', ...rest, exitCode: fleetExitCode(r) })}\n`;
};

/** reports/fleet-STAMP/TARGET.json (a check document, or an error document for a host not reached) and .md, written as each host finishes. */
async function writeHostReport(dir: string, host: FleetHost): Promise<void> {
  const base = join(dir, host.target.replace(/[^A-Za-z0-9._@-]/g, '_'));
  if (!host.reachable) {
    const err = new EnvironmentError(`${host.target}: ${host.timedOut ? 'timed out' : 'unreachable'}: ${host.error}`);
    await writeAtomic(`${base}.json`, jsonDocument('check', null, err), '--report');
    return;
  }
  const { reachable: _r, ...report } = host;
  await writeAtomic(`${base}.json`, jsonDocument('check', report, null), '--report');
  await writeAtomic(`${base}.md`, renderCheckMarkdown(report), '--report');
}
