import { UsageError } from './errors.js';
import { formatTarget, type HostSpec, type Topology } from './topology.js';

/** One file `install` writes: its bytes, or a symlink (systemd's enablement). Paths are absolute on the target system. */
export type InstallFile =
  | { readonly path: string; readonly kind: 'file'; readonly content: string; readonly mode: number; readonly why: string }
  | { readonly path: string; readonly kind: 'symlink'; readonly target: string; readonly why: string };

export { CONFIG_DIR, MODULES_LOAD_DIR, UNIT_DIR, installPaths, unitEscape } from './install-paths.js';
import { installPaths } from './install-paths.js';

/** The modules a tunnel end needs loaded at boot (mpls_gso is optional for `up` and left out). */
export const bootModules = (t: Topology): string[] => ['mpls_router', 'mpls_iptunnel', t.tunnel.mode === 'ip6gre' ? 'ip6_gre' : 'ip_gre'];

/** One word of an ExecStart= line: quoted, with systemd's specifiers (%) and variables ($) kept literal. */
export function unitWord(word: string): string {
  if (/[\n\r\0]/.test(word)) throw new UsageError('--host', 'a command word for the unit contains a newline or NUL');
  return `"${word.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%').replace(/\$/g, '$$$$')}"`;
}

/**
 * The host a local install is for: it must be in the topology, and reached on this machine
 * (`local` or `netns:NAME`): an ssh target is another machine, whose boot this one cannot set up.
 */
export function localEnd(t: Topology, name: string): HostSpec {
  const h = t.hosts.find((x) => x.name === name);
  if (!h) throw new UsageError('--host', `no host "${name.slice(0, 64)}" in the topology (hosts: ${t.hosts.map((x) => x.name).join(', ')})`);
  if (h.target.kind === 'ssh') {
    throw new UsageError(`hosts.${h.name}.target`, `${formatTarget(h.target)} is another machine: install writes this machine's boot configuration; run install on that host with a topology whose target for ${h.name} is local or netns:NAME`);
  }
  return h;
}

/**
 * What `install` writes for one tunnel end. Pure. `command` is the argv that runs mplsgre on the
 * target system (node and the CLI script, or the single executable); `source` the topology's bytes.
 *
 * Ordering: After=network-online.target (the underlay's addresses must be up before the tunnel
 * names them) and no Before=network.target: network.target is ordered before network-online.target,
 * so that pair would be a cycle that systemd breaks by dropping a job. Services that need the
 * tunnel order themselves After= this unit.
 */
export function installFiles(t: Topology, hostName: string, source: string, command: readonly string[], watch?: { readonly listen: string }): InstallFile[] {
  const h = localEnd(t, hostName);
  const p = installPaths(t.tunnel.name, h.name);
  const run = (verb: string): string => [...command, verb, p.topology, '--host', h.name].map(unitWord).join(' ');
  const unit = [
    `# Written by mplsgre install (tunnel ${t.tunnel.name}, host ${h.name}, ${formatTarget(h.target)}); removed by mplsgre uninstall.`,
    '# Changing this file makes uninstall leave it in place.',
    '[Unit]',
    `Description=mplsgre MPLS over GRE tunnel ${t.tunnel.name.replace(/%/g, '%%')}, end ${h.name}`,
    'After=network-online.target systemd-modules-load.service',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=oneshot',
    'RemainAfterExit=yes',
    `ExecStart=${run('up')}`,
    `ExecStop=${run('down')}`,
    'TimeoutStartSec=120',
    'TimeoutStopSec=120',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
  const files: InstallFile[] = [
    { path: p.topology, kind: 'file', content: source, mode: 0o644, why: 'the topology the unit brings up (the original may move)' },
    { path: p.modules, kind: 'file', content: `# Written by mplsgre install for ${p.unitName}\n${bootModules(t).join('\n')}\n`, mode: 0o644, why: 'modules loaded by systemd-modules-load before systemd-sysctl: net.mpls.* exists from early boot' },
    { path: p.unit, kind: 'file', content: unit, mode: 0o644, why: `runs up --host ${h.name} at boot (platform_labels, the tunnel, then its per-interface sysctls) and down at shutdown` },
    { path: p.wants, kind: 'symlink', target: p.unit, why: 'enables the unit (what systemctl enable makes)' },
  ];
  if (!watch) return files;
  const watchUnit = [
    `# Written by mplsgre install --watch (tunnel ${t.tunnel.name}, host ${h.name}); removed by mplsgre uninstall.`,
    '# Changing this file makes uninstall leave it in place.',
    '[Unit]',
    `Description=mplsgre watch: prove tunnel ${t.tunnel.name.replace(/%/g, '%%')} and serve its metrics`,
    // Wants, not Requires: with the tunnel's unit stopped, watch keeps reporting the directions down.
    `After=${p.unitName} network-online.target`,
    `Wants=${p.unitName} network-online.target`,
    '',
    '[Service]',
    `ExecStart=${[...command, 'watch', p.topology, '--listen', watch.listen].map(unitWord).join(' ')}`,
    // SIGTERM to watch alone: it stops its own pings and exits 0.
    'KillMode=mixed',
    'Restart=on-failure',
    'RestartSec=5',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
  return [
    ...files,
    { path: p.watchUnit, kind: 'file', content: watchUnit, mode: 0o644, why: `runs watch --listen ${watch.listen}: the tunnel's directions proved every 10 s, served to Prometheus` },
    { path: p.watchWants, kind: 'symlink', target: p.watchUnit, why: 'enables the watch unit' },
  ];
}
