import { spawn } from 'node:child_process';
import { access, chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inSea, packageRoot } from './paths.js';
import { EnvironmentError } from '../core/errors.js';
import { execLocal } from './spawn.js';

export const UML_BINARY = '/usr/bin/linux.uml';
export const UML_MODULES = '/usr/lib/uml/modules';

/** The guest's end of the data channel: its second console, which the host reads as fd 3. */
export const UML_CHANNEL = '/run/mplsgre-channel';

/**
 * The guest's init: no PATH and no /proc, /sys or /run at start. /tmp stays the host's, so
 * results reach the host through files. /run is private to the guest, so `ip netns` there
 * never touches the host's namespaces. modprobe and the probes look for the modules in
 * /lib/modules/RELEASE: the guest sees them there through an overlay whose upper layer is in
 * its own memory, so the host's /lib is never written. The second console (tty1, raw) is the
 * job's data channel to the host.
 */
const INIT_SCRIPT = `#!/bin/sh
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs tmpfs /run
mkdir -p /run/netns
R=$(uname -r)
if [ ! -e "/lib/modules/$R" ]; then
  L=$(readlink -f /lib)
  grep -qw overlay /proc/filesystems || insmod "$MPLSGRE_MODULES/$R/kernel/fs/overlayfs/overlay.ko"
  mkdir -p /run/mplsgre-lib/upper /run/mplsgre-lib/work
  mount -t overlay overlay -o "lowerdir=$L,upperdir=/run/mplsgre-lib/upper,workdir=/run/mplsgre-lib/work" "$L" &&
    mkdir -p "$L/modules" && ln -s "$MPLSGRE_MODULES/$R" "$L/modules/$R" ||
    echo "mplsgre: cannot show $MPLSGRE_MODULES/$R at /lib/modules/$R in the guest"
fi
mknod ${UML_CHANNEL} c 4 1 && stty -F ${UML_CHANNEL} raw -echo
export MPLSGRE_CHANNEL=${UML_CHANNEL}
cd "$MPLSGRE_CWD" || cd /
"$MPLSGRE_NODE" "$MPLSGRE_GUEST" "$MPLSGRE_JOB"
echo "$?" > "$MPLSGRE_JOB.rc"
poweroff -f
`;

/** What the guest runs: a JS module's exported function, or a command line. */
export type UmlJob =
  | { kind: 'module'; module: string; export: string; input: unknown }
  | { kind: 'argv'; argv: string[]; env?: Record<string, string> };

export interface UmlRunOptions {
  readonly job: UmlJob;
  /** Bound on the whole boot-run-halt cycle. */
  readonly timeoutMs: number;
  readonly memMb?: number;
  /** Receives the guest console's lines (the job's stdout and stderr) as they come. */
  readonly onLine?: (line: string) => void;
  /** Receives each JSON line the job writes to its data channel (MPLSGRE_CHANNEL in its environment). */
  readonly onRecord?: (record: unknown) => void;
  /** Aborting kills the guest at once: everything it created dies with it. */
  readonly signal?: AbortSignal;
}

export interface UmlRunResult {
  /** The job's exit status inside the guest, or null when the guest never wrote one. */
  readonly exitCode: number | null;
  /** A module job's return value (JSON). */
  readonly output: unknown;
  readonly console: string;
  readonly durationMs: number;
}

export interface UmlKernel {
  readonly binary: string;
  readonly release: string;
}

/** Finds the user-mode Linux kernel and its module folder; never installs anything. */
export async function findUmlKernel(): Promise<UmlKernel | undefined> {
  try {
    await access(UML_BINARY);
    const releases = (await readdir(UML_MODULES)).sort();
    const release = releases.at(-1);
    return release ? { binary: UML_BINARY, release } : undefined;
  } catch {
    return undefined;
  }
}

/** What a guest needs from this machine's files: binary -> the Debian package that ships it. */
const GUEST_TOOLS: readonly [string, string][] = [
  ['/usr/sbin/modprobe', 'kmod'],
  ['/usr/sbin/ip', 'iproute2'],
  ['/usr/bin/tcpdump', 'tcpdump'],
  ['/usr/sbin/sysctl', 'procps'],
  ['/usr/bin/ping', 'iputils-ping'],
];

const exists = (p: string): Promise<boolean> => access(p).then(() => true, () => false);

/**
 * Makes the user-mode Linux kernel usable: installs Debian's user-mode-linux (and the tools the
 * guest runs: kmod, iproute2, tcpdump, procps) when missing, as root on Debian only. Reports
 * each change through `log`. The module folder needs no change on the host: each guest sees it
 * at /lib/modules through a mount of its own (the init script).
 */
export async function ensureUmlKernel(log: (msg: string) => void = () => {}): Promise<UmlKernel> {
  let kernel = await findUmlKernel();
  const packages = [
    ...(kernel ? [] : ['user-mode-linux']),
    ...(await Promise.all(GUEST_TOOLS.map(async ([bin, pkg]) => ((await exists(bin)) ? undefined : pkg)))).filter((p): p is string => !!p),
  ];
  if (packages.length) {
    const cmd = `apt-get update && apt-get install -y ${packages.join(' ')}`;
    if (process.getuid?.() !== 0 || !(await exists('/etc/debian_version'))) {
      throw new EnvironmentError(`user-mode Linux needs packages that are not installed; install them with: ${cmd}`);
    }
    log(`installing ${packages.join(', ')} with apt-get`);
    const env = { DEBIAN_FRONTEND: 'noninteractive' };
    const update = await execLocal('apt-get', ['update', '-qq'], { timeoutMs: 300_000, env });
    if (update.failed) throw new EnvironmentError(`apt-get update failed: ${update.stderr.trim()}`);
    const install = await execLocal('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { timeoutMs: 600_000, env });
    if (install.failed) throw new EnvironmentError(`apt-get install ${packages.join(' ')} failed: ${install.stderr.trim()}`);
    kernel = await findUmlKernel();
  }
  if (!kernel) throw new EnvironmentError(`user-mode-linux installed but no kernel modules found in ${UML_MODULES}`);
  return kernel;
}

/**
 * What the guest's init runs with the job file: the compiled guest script (never bundled: a file
 * of its own) under this Node, or the single executable itself in its guest mode (src/bin.ts).
 */
const guestEntry = (): string => (inSea() ? GUEST_MODE : join(packageRoot(), 'dist', 'src', 'host', 'uml-guest.js'));

/** The single executable's argument that makes it run a guest job (src/bin.ts). */
export const GUEST_MODE = '--uml-guest';

/** Boots user-mode Linux with this machine's files as its root, runs one job, halts. */
export async function runInUml(opts: UmlRunOptions): Promise<UmlRunResult> {
  const kernel = await findUmlKernel();
  if (!kernel) throw new EnvironmentError('user-mode Linux is not installed (apt-get install user-mode-linux kmod)');
  if (opts.job.kind === 'module' && inSea()) throw new EnvironmentError('the single executable runs command-line jobs in user-mode Linux, not modules');
  const dir = await mkdtemp(join(tmpdir(), 'mplsgre-uml-'));
  const started = performance.now();
  try {
    const init = join(dir, 'init');
    const jobPath = join(dir, 'job.json');
    await writeFile(init, INIT_SCRIPT);
    await chmod(init, 0o755);
    await writeFile(jobPath, JSON.stringify({ ...opts.job, output: join(dir, 'output.json') }));
    const args = [
      `mem=${opts.memMb ?? 1024}M`, 'root=/dev/root', 'rootfstype=hostfs', 'rootflags=/', 'rw', 'quiet',
      `init=${init}`, 'con0=fd:0,fd:1', 'con1=null,fd:3', 'con=null',
      `MPLSGRE_JOB=${jobPath}`, `MPLSGRE_MODULES=${UML_MODULES}`, `MPLSGRE_NODE=${process.execPath}`, `MPLSGRE_GUEST=${guestEntry()}`, `MPLSGRE_CWD=${process.cwd()}`,
    ];
    const consoleText = await boot(kernel.binary, args, opts.timeoutMs, dir, opts.onLine, opts.signal, opts.onRecord);
    const rc = await readFile(`${jobPath}.rc`, 'utf8').then((s) => Number(s.trim()), () => null);
    const output = await readFile(join(dir, 'output.json'), 'utf8').then((s) => JSON.parse(s) as unknown, () => undefined);
    if (rc === null) {
      throw new EnvironmentError(`user-mode Linux ended before the job finished; console:\n${consoleText.slice(-2000)}`);
    }
    return { exitCode: rc, output, console: consoleText, durationMs: performance.now() - started };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function boot(binary: string, args: string[], timeoutMs: number, cwd: string, onLine?: (line: string) => void, signal?: AbortSignal, onRecord?: (record: unknown) => void): Promise<string> {
  // UML backs guest memory with a file in TMPDIR; tmpfs keeps that off the disk.
  const shm = await access('/dev/shm').then(() => '/dev/shm', () => undefined);
  return new Promise((resolve, reject) => {
    // stdin from /dev/null: CI has no terminal, and UML must not read the caller's.
    // Its own process group: the kernel runs helper processes that hold the console pipe, and a
    // stop must end them all.
    // fd 3: the guest's second console, its data channel.
    const child = spawn(binary, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: shm ?? cwd } });
    const killAll = (): void => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    // This process ending must not leave a kernel running.
    const onExit = (): void => killAll();
    process.once('exit', onExit);
    let text = '';
    let partial = '';
    const take = (d: Buffer): void => {
      const s = d.toString('utf8').replace(/\r/g, '');
      if (text.length < 4 * 1024 * 1024) text += s;
      if (!onLine) return;
      const lines = (partial + s).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) onLine(l);
    };
    child.stdout!.on('data', take);
    child.stderr!.on('data', take);
    const channel = child.stdio[3] as NodeJS.ReadableStream | null;
    let record = '';
    channel?.on('data', (d: Buffer) => {
      const lines = (record + d.toString('utf8')).split('\n');
      record = lines.pop() ?? '';
      for (const l of lines) if (l.trim()) deliver(l);
    });
    const deliver = (l: string): void => {
      let value: unknown;
      try {
        value = JSON.parse(l);
      } catch {
        onLine?.(`(not JSON on the data channel) ${l}`);
        return;
      }
      onRecord?.(value);
    };
    const timer = setTimeout(() => {
      killAll();
      reject(new EnvironmentError(`user-mode Linux did not finish within ${timeoutMs} ms; console:\n${text.slice(-2000)}`));
    }, timeoutMs);
    const abort = (): void => killAll();
    signal?.addEventListener('abort', abort, { once: true });
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new EnvironmentError(`cannot start ${binary}: ${err.message}`, err));
    });
    child.on('close', () => {
      clearTimeout(timer);
      process.off('exit', onExit);
      signal?.removeEventListener('abort', abort);
      if (partial && onLine) onLine(partial);
      if (record.trim()) deliver(record);
      if (signal?.aborted) reject(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
      else resolve(text);
    });
  });
}

export interface RootBootOptions {
  /** A root folder on this machine that the guest boots as its / (hostfs), e.g. a Debian root. */
  readonly root: string;
  /** Bound on the boot; the guest must power itself off (systemctl poweroff) before it. */
  readonly timeoutMs: number;
  readonly memMb?: number;
  readonly onLine?: (line: string) => void;
  readonly signal?: AbortSignal;
}

/**
 * Boots user-mode Linux on `root` with systemd as PID 1 and returns its console once the guest
 * has powered off. The kernel's modules must be in ROOT/lib/modules/RELEASE.
 */
export async function bootRoot(opts: RootBootOptions): Promise<{ console: string; durationMs: number }> {
  const kernel = await findUmlKernel();
  if (!kernel) throw new EnvironmentError('user-mode Linux is not installed (apt-get install user-mode-linux kmod)');
  const dir = await mkdtemp(join(tmpdir(), 'mplsgre-umlboot-'));
  const started = performance.now();
  try {
    const args = [
      `mem=${opts.memMb ?? 1024}M`, 'root=/dev/root', 'rootfstype=hostfs', `rootflags=${opts.root}`, 'rw',
      'init=/lib/systemd/systemd', 'con0=fd:0,fd:1', 'con=null',
    ];
    const text = await boot(kernel.binary, args, opts.timeoutMs, dir, opts.onLine, opts.signal);
    return { console: text, durationMs: performance.now() - started };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
