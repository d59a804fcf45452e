import { realpathSync } from 'node:fs';
import { installCommand, uninstallCommand, type InstallResult, type UninstallResult } from '../commands/install.js';
import { ExitCode, UsageError } from '../core/errors.js';
import { COMMON_OPTIONS, type CliCommand } from './command.js';
import { parseListen } from './listen.js';
import { str } from './parse.js';
import { fileArg } from './tunnel.js';

const OPTIONS = { ...COMMON_OPTIONS, host: { type: 'string' as const }, root: { type: 'string' as const } };

function hostAndRoot(values: Record<string, unknown>): { host: string; root: string } {
  const host = str(values.host);
  if (!host) throw new UsageError('--host', 'the topology host whose end this machine is, e.g. --host A');
  const root = values.root === undefined ? '/' : str(values.root);
  if (!root) throw new UsageError('--root', 'an existing directory is required (the staging root)');
  return { host, root };
}

/** How the unit runs mplsgre: the single executable itself, or node with the CLI script this process runs. */
function selfCommand(): string[] {
  const sea = (() => {
    try {
      return (process.getBuiltinModule('node:sea') as { isSea?: () => boolean } | undefined)?.isSea?.() ?? false;
    } catch {
      return false;
    }
  })();
  const script = process.argv[1];
  return sea || !script ? [process.execPath] : [process.execPath, realpathSync(script)];
}

function renderInstall(r: InstallResult): string {
  const where = r.root === '/' ? '' : ` under ${r.root}`;
  return [
    `installed ${r.tunnel} end ${r.host} (${r.target})${where}: ${r.unit} runs up --host ${r.host} at every boot`,
    ...r.files.map((f) => `  ${f.action.padEnd(9)} ${f.path}  (${f.why})`),
    `  written   ${r.manifest}  (what uninstall removes)`,
    `  modules at boot: ${r.modules.join(', ')}; per-interface sysctls are set by up after the device exists, never in /etc/sysctl.d`,
    r.root === '/' ? `  now: systemctl daemon-reload && systemctl start ${r.unit}` : '',
    '',
  ].filter((l, i, a) => l !== '' || i === a.length - 1).join('\n');
}

function renderUninstall(r: UninstallResult): string {
  if (!r.installed) return `nothing installed for ${r.tunnel} end ${r.host}${r.root === '/' ? '' : ` under ${r.root}`}: no manifest\n`;
  return [
    `uninstalled ${r.tunnel} end ${r.host}: ${r.removed.length} removed${r.absent.length ? `, ${r.absent.length} already absent` : ''}`,
    ...r.removed.map((p) => `  removed   ${p}`),
    ...r.absent.map((p) => `  absent    ${p}`),
    ...r.kept.map((p) => `  KEPT      ${p}  (changed since install: left in place; remove it yourself, then run uninstall again)`),
    r.root === '/' && r.removed.length ? '  the tunnel stays up until down --host or the next boot; systemctl daemon-reload forgets the unit' : '',
    '',
  ].filter((l, i, a) => l !== '' || i === a.length - 1).join('\n');
}

const INSTALL_OPTIONS = { ...OPTIONS, watch: { type: 'string' as const } };

export const install: CliCommand = {
  name: 'install',
  summary: 'make one end of a topology come back at every boot (systemd unit, modules-load.d)',
  usage: 'mplsgre install FILE --host NAME [--root DIR] [--watch ADDR:PORT] [--json]',
  formats: ['text'],
  options: INSTALL_OPTIONS,
  async run(values, positionals) {
    const file = fileArg(positionals);
    const where = hostAndRoot(values);
    // Checked as watch checks --listen, before anything is written.
    const watch = values.watch === undefined ? undefined : str(values.watch) ?? '';
    if (watch !== undefined) parseListen(watch, '--watch');
    const r = await installCommand({ file, ...where, command: selfCommand(), ...(watch !== undefined ? { watch } : {}) });
    return { result: r, exitCode: ExitCode.ok, render: { text: () => renderInstall(r) } };
  },
};

export const uninstall: CliCommand = {
  name: 'uninstall',
  summary: 'remove what install wrote for one end (only files still as it wrote them)',
  usage: 'mplsgre uninstall FILE --host NAME [--root DIR] [--json]',
  formats: ['text'],
  options: OPTIONS,
  async run(values, positionals) {
    const r = await uninstallCommand({ file: fileArg(positionals), ...hostAndRoot(values) });
    return { result: r, exitCode: r.kept.length ? ExitCode.failed : ExitCode.ok, render: { text: () => renderUninstall(r) } };
  },
};
