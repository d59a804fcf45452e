import { downCommand } from '../commands/down.js';
import { planCommand } from '../commands/plan.js';
import { upCommand, upDryRunCommand } from '../commands/up.js';
import { DEFAULT_TCP_BYTES, verifyCommand } from '../commands/verify.js';
import { ExitCode, UsageError } from '../core/errors.js';
import { renderApply, renderDryRun, renderRemove, renderVerify } from '../report/tunnel-text.js';
import { COMMON_OPTIONS, type CliCommand } from './command.js';
import { interruptible, SIGNAL_EXIT } from './interrupt.js';
import { bytesOption, fileArg, intOption, str } from './parse.js';
import { sshConfigOption } from './target.js';

export { fileArg } from './parse.js';

/** `--host NAME`: one end of the topology only (checked against the file by the command). */
export function hostOption(value: unknown): { host?: string } {
  if (value === undefined) return {};
  const name = str(value);
  if (!name) throw new UsageError('--host', 'a host name of the topology is required');
  return { host: name };
}

export const plan: CliCommand = {
  name: 'plan',
  summary: 'the exact commands per host, in order, each with its undo (changes nothing)',
  usage: 'mplsgre plan FILE [--json]',
  formats: ['text'],
  options: { ...COMMON_OPTIONS },
  async run(_values, positionals) {
    const r = await planCommand({ file: fileArg(positionals) });
    return { result: r.plan, exitCode: ExitCode.ok, render: { text: () => r.text } };
  },
};

export const up: CliCommand = {
  name: 'up',
  summary: 'configure both ends; transactional (a failure undoes everything) and idempotent',
  usage: 'mplsgre up FILE [--host NAME] [--dry-run] [--ssh-config FILE] [--json]',
  formats: ['text'],
  options: { ...COMMON_OPTIONS, 'dry-run': { type: 'boolean' }, 'ssh-config': { type: 'string' }, host: { type: 'string' } },
  async run(values, positionals, ctx) {
    const file = fileArg(positionals);
    if (values['dry-run']) {
      const r = await upDryRunCommand({ file, ssh: sshConfigOption(values['ssh-config']) });
      return { result: r, exitCode: ExitCode.ok, render: { text: (style) => renderDryRun(r, file, style) } };
    }
    const sig = interruptible();
    try {
      // Interrupted: no further step starts, and what this run changed is undone before exit.
      const r = await upCommand({ file, ...hostOption(values.host), ssh: sshConfigOption(values['ssh-config']), signal: sig.signal, onStep: (s) => ctx.log(`${s.outcome.padEnd(8)} ${s.id}${s.detail && s.outcome !== 'failed' ? `: ${s.detail}` : ''}`) });
      const interrupted = sig.interrupted();
      const exitCode = interrupted ? (SIGNAL_EXIT[interrupted] ?? 1) : r.ok ? ExitCode.ok : ExitCode.failed;
      return { result: r, exitCode, render: { text: (style) => renderApply(r, style) } };
    } finally {
      sig.dispose();
    }
  },
};

export const down: CliCommand = {
  name: 'down',
  summary: 'remove what up created and restore the sysctl values it recorded',
  usage: 'mplsgre down FILE [--host NAME] [--ssh-config FILE] [--json]',
  formats: ['text'],
  options: { ...COMMON_OPTIONS, 'ssh-config': { type: 'string' }, host: { type: 'string' } },
  async run(values, positionals, ctx) {
    const r = await downCommand({ file: fileArg(positionals), ...hostOption(values.host), ssh: sshConfigOption(values['ssh-config']), onStep: (s) => ctx.log(`${s.outcome.padEnd(8)} ${s.id}${s.detail ? `: ${s.detail}` : ''}`) });
    return { result: r, exitCode: r.ok ? ExitCode.ok : ExitCode.failed, render: { text: (style) => renderRemove(r, style) } };
  },
};

export const verify: CliCommand = {
  name: 'verify',
  summary: 'ping both ways under tcpdump and prove each direction carries its label inside GRE',
  usage: 'mplsgre verify FILE [--count N] [--interval SECONDS] [--no-mtu] [--bytes N[K|M|G]] [--no-tcp] [--ssh-config FILE] [--json]',
  formats: ['text'],
  options: { ...COMMON_OPTIONS, count: { type: 'string' }, interval: { type: 'string' }, 'no-mtu': { type: 'boolean' }, bytes: { type: 'string' }, 'no-tcp': { type: 'boolean' }, 'ssh-config': { type: 'string' } },
  async run(values, positionals, ctx) {
    const count = intOption(values.count, '--count', 1, 100_000, 5);
    const text = values.interval === undefined ? '0.01' : (str(values.interval) ?? '');
    const interval = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
    if (!Number.isFinite(interval) || interval < 0 || interval > 10) throw new UsageError('--interval', `must be a number of seconds from 0 to 10 (got "${str(values.interval)}")`);
    // iputils refuses intervals below 2 ms to anyone but root; 0 is root's fastest (one request per reply)
    if (interval < 0.002 && process.getuid?.() !== 0) throw new UsageError('--interval', `below 0.002 needs root (got "${str(values.interval)}")`);
    // Absent: verify's own default, which depends on the targets (smaller over ssh).
    const tcpBytes = values['no-tcp'] ? 0 : values.bytes === undefined ? undefined : bytesOption(values.bytes, '--bytes', DEFAULT_TCP_BYTES);
    if (values['no-tcp'] && values.bytes !== undefined) throw new UsageError('--bytes', 'a transfer size means nothing with --no-tcp');
    const sig = interruptible();
    // Interrupted: pings, transfers and captures stop, the captures are removed, and the CLI exits 130 or 143.
    const r = await verifyCommand({ file: fileArg(positionals), count, interval, mtu: !values['no-mtu'], ...(tcpBytes !== undefined ? { tcpBytes } : {}), log: ctx.log, ssh: sshConfigOption(values['ssh-config']), signal: sig.signal }).finally(() => sig.dispose());
    return { result: r, exitCode: r.ok ? ExitCode.ok : ExitCode.failed, render: { text: (style) => renderVerify(r, style) } };
  },
};
