import { execLocal } from '../src/host/spawn.js';

/**
 * Kernel states that facts are recorded in and that the kernel tier checks, each reached from
 * a freshly booted user-mode Linux by argv-only commands. The seed setup runs in namespace A
 * (peer B), so `check --netns A` sees what a configured host sees.
 */
export interface KernelState {
  readonly name: string;
  readonly description: string;
  /** Run in order; each must succeed. */
  readonly setup: readonly (readonly string[])[];
  /** Where check runs: the guest itself, or namespace A. */
  readonly netns?: string;
  readonly kernelConfig?: string;
  readonly iface: string;
  readonly labels: readonly number[];
  /** check --classes: the class.* checks read and judge. */
  readonly classes?: boolean;
}

const inA = (...argv: string[]): string[] => ['ip', 'netns', 'exec', 'A', ...argv];
const inB = (...argv: string[]): string[] => ['ip', 'netns', 'exec', 'B', ...argv];

export const UML_CONFIG = '/usr/share/doc/user-mode-linux/config.gz';

export const SEED_SETUP: readonly (readonly string[])[] = [
  ['modprobe', '-a', 'mpls_router', 'mpls_iptunnel', 'mpls_gso', 'ip_gre', 'veth'],
  ['ip', 'netns', 'add', 'A'],
  ['ip', 'netns', 'add', 'B'],
  ['ip', 'link', 'add', 'va', 'netns', 'A', 'type', 'veth', 'peer', 'name', 'vb', 'netns', 'B'],
  inA('ip', 'link', 'set', 'lo', 'up'), inB('ip', 'link', 'set', 'lo', 'up'),
  inA('ip', 'addr', 'add', '10.128.0.2/16', 'dev', 'va'), inB('ip', 'addr', 'add', '10.128.100.2/16', 'dev', 'vb'),
  inA('ip', 'link', 'set', 'va', 'up'), inB('ip', 'link', 'set', 'vb', 'up'),
  inA('ip', 'tunnel', 'add', 'foo4', 'mode', 'gre', 'remote', '10.128.100.2', 'local', '10.128.0.2'),
  inA('ip', 'addr', 'add', '10.199.0.1', 'dev', 'foo4'),
  inA('ip', 'link', 'set', 'foo4', 'up'),
  inA('ip', 'route', 'add', '10.199.0.0/24', 'dev', 'foo4'),
  inA('sysctl', '-w', 'net.mpls.platform_labels=65535'),
  inA('sysctl', '-w', 'net.mpls.conf.foo4.input=1'),
  inA('ip', 'route', 'change', '10.199.0.0/24', 'encap', 'mpls', '100', 'dev', 'foo4'),
  inA('ip', '-f', 'mpls', 'route', 'add', '101', 'dev', 'lo'),
  inA('sysctl', '-w', 'net.ipv4.conf.all.rp_filter=2'),
];

export const KERNEL_STATES: readonly KernelState[] = [
  {
    name: 'uml-fresh',
    description: 'user-mode Linux 6.1 freshly booted: MPLS and GRE modules loadable, none loaded',
    setup: [], iface: 'foo4', labels: [100, 101],
  },
  {
    name: 'uml-hidden-modules',
    description: 'user-mode Linux 6.1 with its module folder hidden: config says m, module files absent',
    setup: [['mount', '-t', 'tmpfs', 'tmpfs', '/usr/lib/uml/modules']],
    kernelConfig: UML_CONFIG, iface: 'foo4', labels: [100, 101],
  },
  {
    name: 'uml-seed',
    description: 'user-mode Linux 6.1 after the seed setup, checked in namespace A: loaded and configured',
    setup: SEED_SETUP, netns: 'A', iface: 'foo4', labels: [100, 101],
  },
  {
    name: 'uml-seed-rpfilter-strict',
    description: 'the seed setup in namespace A, then net.ipv4.conf.all.rp_filter=1',
    setup: [...SEED_SETUP, inA('sysctl', '-w', 'net.ipv4.conf.all.rp_filter=1')], netns: 'A', iface: 'foo4', labels: [100, 101],
  },
  {
    name: 'uml-seed-input-off',
    description: 'the seed setup in namespace A, then net.mpls.conf.foo4.input=0 and platform_labels=100',
    setup: [...SEED_SETUP, inA('sysctl', '-w', 'net.mpls.conf.foo4.input=0'), inA('sysctl', '-w', 'net.mpls.platform_labels=100')],
    netns: 'A', iface: 'foo4', labels: [100, 101],
  },
];

/** The modules a class with `tc:` adds to what `up` loads for classes (the netfilter ones). */
const CLASS_MODULES = ['iptable_mangle', 'xt_dscp', 'xt_mark', 'xt_u32', 'xt_DSCP', 'sch_ingress', 'cls_flower', 'act_mpls'];

/**
 * States `check --classes` is recorded in, after KERNEL_STATES in the same boot: the fresh and
 * hidden ones need the class modules unloaded, and no KERNEL_STATES entry loads them.
 */
export const CLASS_STATES: readonly KernelState[] = [
  {
    name: 'uml-classes-fresh',
    description: 'user-mode Linux 6.1 freshly booted, check --classes: the class modules loadable, none loaded',
    setup: [], iface: 'foo4', labels: [100, 101], classes: true,
  },
  {
    name: 'uml-classes-hidden-modules',
    description: 'user-mode Linux 6.1 with its module folder hidden, check --classes: config says m, class module files absent',
    setup: [['mount', '-t', 'tmpfs', 'tmpfs', '/usr/lib/uml/modules']],
    kernelConfig: UML_CONFIG, iface: 'foo4', labels: [100, 101], classes: true,
  },
  {
    name: 'uml-classes-loaded',
    description: 'the seed setup in namespace A and every class module loaded, check --classes in A',
    setup: [...SEED_SETUP, ['modprobe', '-a', ...CLASS_MODULES]], netns: 'A', iface: 'foo4', labels: [100, 101], classes: true,
  },
];

/** Brings a fresh guest into `state`; throws with the failing command's output. */
export async function enterState(state: KernelState): Promise<void> {
  for (const argv of state.setup) {
    const [file, ...args] = argv;
    const r = await execLocal(file!, args, { timeoutMs: 20_000 });
    if (r.failed) throw new Error(`${state.name}: ${argv.join(' ')} failed: ${r.stderr.trim() || r.spawnError || r.exitCode}`);
  }
}

/**
 * Undoes what enterState did. Modules stay loaded: states are ordered so that those needing
 * unloaded modules (fresh, hidden) come first.
 */
export async function leaveState(state: KernelState): Promise<void> {
  const cmds: string[][] = [];
  if (state.setup.some((a) => a[0] === 'mount')) cmds.push(['umount', '/usr/lib/uml/modules']);
  if (state.setup.length > 1) cmds.push(['ip', 'netns', 'del', 'A'], ['ip', 'netns', 'del', 'B']);
  for (const [file, ...args] of cmds) await execLocal(file!, args, { timeoutMs: 20_000 });
}
