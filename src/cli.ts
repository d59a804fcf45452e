import { packageText } from './host/paths.js';
import type { CliCommand, CliOutcome } from './cli/command.js';
import { jsonDocument, writeAtomic } from './cli/io.js';
import { parse, str } from './cli/parse.js';
import { ExitCode, MplsgreError, UsageError } from './core/errors.js';
import { nearest } from './core/suggest.js';
import { styleFor } from './report/style.js';
import { loadTables } from './report/table.js';

/** Subcommands load lazily: `check` must not pay for the modules of `lab`. */
export const COMMANDS: Record<string, { summary: string; load: () => Promise<CliCommand> }> = {
  check: { summary: 'read-only preflight of this host (or --netns NAME)', load: async () => (await import('./cli/check.js')).check },
  plan: { summary: 'the commands per host, each with its undo (changes nothing)', load: async () => (await import('./cli/tunnel.js')).plan },
  up: { summary: 'configure both ends of a topology (transactional, idempotent)', load: async () => (await import('./cli/tunnel.js')).up },
  verify: { summary: 'prove each direction carries its label inside GRE, from captures', load: async () => (await import('./cli/tunnel.js')).verify },
  down: { summary: 'remove what up created, restore recorded sysctls', load: async () => (await import('./cli/tunnel.js')).down },
  status: { summary: 'what is in effect on each host against what up recorded (in effect, missing, changed)', load: async () => (await import('./cli/status.js')).status },
  capture: { summary: 'capture decode FILE: MPLS labels in GRE from pcap, pcapng or tcpdump text', load: async () => (await import('./cli/capture.js')).capture },
  install: { summary: 'make one end come back at every boot: systemd unit, topology copy, modules-load.d', load: async () => (await import('./cli/install.js')).install },
  uninstall: { summary: 'remove what install wrote for one end, and nothing else', load: async () => (await import('./cli/install.js')).uninstall },
  lab: { summary: 'the seed setup end to end in namespaces (user-mode Linux where needed)', load: async () => (await import('./cli/lab.js')).lab },
  diagnose: { summary: 'which cause an error message has on this host, with the evidence and the fix', load: async () => (await import('./cli/diagnose.js')).diagnose },
  watch: { summary: 'prove both directions every interval, serve Prometheus metrics on /metrics (long-running)', load: async () => (await import('./cli/watch.js')).watch },
  fleet: { summary: 'check many hosts over ssh at once (bounded concurrency, per-host timeout)', load: async () => (await import('./cli/fleet.js')).fleet },
};

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length)) + 2;
  return [
    'mplsgre: check, set up, verify and diagnose MPLS over GRE tunnels on Linux',
    '',
    'Usage: mplsgre <command> [options]   (mplsgre <command> --help for its options)',
    '',
    ...Object.entries(COMMANDS).map(([k, v]) => `  ${k.padEnd(width)}${v.summary}`),
    '',
    'Common options: --json (one JSON document on stdout), --format (json or the command\'s own formats: its --help), --out FILE, --help',
    'mplsgre --version prints the version.',
    'Exit codes: 0 ok, 1 a check or verification failed, 2 bad usage, 3 environment error, 130/143 interrupted',
    '',
  ].join('\n');
}

function version(): string {
  const pkg = JSON.parse(packageText('package.json')) as { version: string };
  return `mplsgre ${pkg.version}\n`;
}

/** Runs one invocation; returns the exit code. Never calls process.exit(). */
/** Where the CLI writes; `isTTY` decides colour and progress. */
export interface CliStreams {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export async function main(argv: readonly string[], io: CliStreams = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [name, ...rest] = argv;
  const wantsJson = rest.includes('--json') || rest.includes('--format=json') || rest.some((a, i) => a === '--format' && rest[i + 1] === 'json');
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(help());
    return name === undefined ? ExitCode.usage : ExitCode.ok;
  }
  if (name === '--version' || name === '-V') {
    io.stdout.write(version());
    return ExitCode.ok;
  }
  try {
    const entry = COMMANDS[name];
    if (!entry) {
      const near = nearest(name, Object.keys(COMMANDS));
      throw new UsageError('command', `unknown command "${name}"${near === undefined ? '' : `; did you mean ${near}?`} (known: ${Object.keys(COMMANDS).join(', ')})`);
    }
    const command = await entry.load();
    const { values, positionals } = parse(rest, command.options);
    if (values.help) {
      io.stdout.write(`${command.summary}\n\nUsage: ${command.usage}\nFormats (--format): ${['json', ...command.formats].join(', ')}\n`);
      return ExitCode.ok;
    }
    const asked = str(values.format);
    if (asked !== undefined && asked !== 'json' && !command.formats.includes(asked)) {
      throw new UsageError('--format', `must be one of ${['json', ...command.formats].join(', ')} (got "${asked}")`);
    }
    if (values.json && asked !== undefined && asked !== 'json') throw new UsageError('--format', `--json conflicts with --format ${asked}`);
    const format = values.json ? 'json' : (asked ?? command.formats[0] ?? 'json');
    const style = styleFor(io.stderr);
    const outcome = await command.run(values, positionals, {
      log: (line) => io.stderr.write(`${line}\n`),
      write: (text) => io.stdout.write(text),
      stderrIsTTY: Boolean(io.stderr.isTTY),
      color: style.color,
    });
    await emit(command.name, outcome, format, str(values.out), io);
    return outcome.exitCode;
  } catch (err) {
    const e = err instanceof MplsgreError ? err : new MplsgreError('internal', (err as Error)?.stack ?? String(err), { exitCode: ExitCode.environment });
    if (wantsJson) io.stdout.write(jsonDocument(name, null, e));
    // Several problems in one input: one line each, every line prefixed, the first as before.
    else io.stderr.write((e.problems ?? [{ message: e.message }]).map((p) => `mplsgre ${name}: ${p.message}\n`).join(''));
    return e.exitCode;
  }
}

async function emit(command: string, outcome: CliOutcome, format: string, out: string | undefined, io: CliStreams): Promise<void> {
  const style = { color: !out && styleFor(io.stdout).color };
  // The terminal formats draw with cli-table3, loaded only for them (src/report/table.ts).
  if (format === 'table' || format === 'text') await loadTables();
  const text = format === 'json' ? jsonDocument(command, outcome.result, null) : outcome.render[format]!(style);
  if (out) await writeAtomic(out, text);
  else io.stdout.write(text);
}
