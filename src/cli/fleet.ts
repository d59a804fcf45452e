import { mkdirSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_CONCURRENCY, DEFAULT_HOST_TIMEOUT_S, fleetCommand, fleetExitCode, parseInventory, type FleetHost } from '../commands/fleet.js';
import type { CheckReport } from '../commands/check.js';
import { UsageError } from '../core/errors.js';
import { parseIfName, parseLabels } from '../core/names.js';
import { MAX_FILE_BYTES, utf8Text } from '../core/yaml-tree.js';
import { renderCheckMarkdown } from '../report/check-markdown.js';
import { renderFleetTable } from '../report/fleet-text.js';
import { COMMON_OPTIONS, type CliCommand } from './command.js';
import { jsonDocument, writeAtomic } from './io.js';
import { intOption, oneOf, str } from './parse.js';


export const fleet: CliCommand = {
  name: 'fleet',
  summary: 'check many hosts over ssh at once: a hosts x checks table',
  usage: `mplsgre fleet INVENTORY [--concurrency N] [--timeout S] [--iface IF] [--labels L,L] [--ssh-config FILE]
              [--fail-on fail|warn] [--report] [--format table|json] [--json] [--out FILE]
  INVENTORY: YAML (hosts: [{target: ssh:[user@]host[:port], iface?, labels?}]) or one
  ssh:[user@]host[:port] or [user@]host[:port] per line (# comments).
  Exit: 0 all ready, 1 a host is not ready, 3 a host could not be reached or timed out (3 wins over 1).`,
  formats: ['table'],
  options: {
    ...COMMON_OPTIONS,
    concurrency: { type: 'string' },
    timeout: { type: 'string' },
    iface: { type: 'string' },
    labels: { type: 'string' },
    'ssh-config': { type: 'string' },
    'fail-on': { type: 'string' },
    report: { type: 'boolean' },
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
    const sshConfig = str(values['ssh-config']);
    if (sshConfig !== undefined) await readSmallFile(sshConfig, '--ssh-config');
    const text = utf8Text(await readSmallFile(file, 'INVENTORY'), file, 'INVENTORY');
    const entries = parseInventory(text, file);
    const reportDir = values.report ? join('reports', `fleet-${new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`) : undefined;
    if (reportDir) mkdirSync(reportDir, { recursive: true });
    const result = await fleetCommand({
      entries, concurrency, timeoutMs: timeoutS * 1000, labels, failOn,
      ...(iface ? { iface } : {}),
      ...(sshConfig ? { ssh: { configFile: sshConfig } } : {}),
      onHost: async (host, done, total, report) => {
        if (ctx.stderrIsTTY) ctx.log(`[${done}/${total}] ${host.target}: ${status(host)}`);
        if (reportDir) await writeHostReport(reportDir, host, report);
      },
    });
    return {
      result,
      exitCode: fleetExitCode(result),
      render: { table: (style) => renderFleetTable(result, style) },
    };
  },
};

/** A regular file of at most MAX_FILE_BYTES: /dev/zero or a huge file is refused before it is read. */
async function readSmallFile(path: string, field: string): Promise<Buffer> {
  const fail = (err: NodeJS.ErrnoException): never => { throw new UsageError(field, `cannot read ${path}: ${err.code ?? err.message}`); };
  const st = await stat(path).catch(fail);
  if (!st.isFile()) throw new UsageError(field, `${path} is not a regular file`);
  if (st.size > MAX_FILE_BYTES) throw new UsageError(field, `${path} is ${st.size} bytes; at most ${MAX_FILE_BYTES}`);
  return readFile(path).catch(fail);
}

const status = (h: FleetHost): string => (!h.reachable ? (h.timedOut ? 'timed out' : `unreachable (${h.error})`) : h.ready ? 'ready' : 'not ready');

/** reports/fleet-STAMP/TARGET.json (and .md for checked hosts), written as each host finishes. */
async function writeHostReport(dir: string, host: FleetHost, report: CheckReport | undefined): Promise<void> {
  const base = join(dir, host.target.replace(/[^A-Za-z0-9._@-]/g, '_'));
  await writeAtomic(`${base}.json`, jsonDocument('check', report ?? host, null), '--report');
  if (report) await writeAtomic(`${base}.md`, renderCheckMarkdown(report), '--report');
}
