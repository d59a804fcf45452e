import { spawn } from 'node:child_process';
import { access, chmod, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile, lstat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from './paths.js';
import { EnvironmentError } from '../core/errors.js';
import { execLocal } from './spawn.js';

export const UML_BINARY = '/usr/bin/linux.uml';
export const UML_MODULES = '/usr/lib/uml/modules';

/**
 * The guest's init: no PATH and no /proc, /sys or /run at start. /tmp stays the host's, so
 * results reach the host through files. /run is private to the guest, so `ip netns` there
 * never touches the host's namespaces.
 */
const INIT_SCRIPT = `#!/bin/sh
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export PATH
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs tmpfs /run
mkdir -p /run/netns
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
 * guest runs: kmod, iproute2, tcpdump, procps) when missing, as root on Debian only, and points
 * /lib/modules/RELEASE at the package's modules so modprobe inside the guest finds them.
 * Reports each change through `log`.
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
  const link = join('/lib/modules', kernel.release);
  const present = await lstat(link).then(() => true, () => false);
  if (!present) {
    log(`linking ${link} -> ${join(UML_MODULES, kernel.release)}`);
    await mkdir('/lib/modules', { recursive: true });
    await symlink(join(UML_MODULES, kernel.release), link);
  }
  return kernel;
}

/** Compiled, never bundled: the guest runs it as a file of its own. */
const guestScript = (): string => join(packageRoot(), 'dist', 'src', 'host', 'uml-guest.js');

/** Boots user-mode Linux with this machine's files as its root, runs one job, halts. */
export async function runInUml(opts: UmlRunOptions): Promise<UmlRunResult> {
  const kernel = await findUmlKernel();
  if (!kernel) throw new EnvironmentError('user-mode Linux is not installed (apt-get install user-mode-linux kmod)');
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
      `init=${init}`, 'con0=fd:0,fd:1', 'con=null',
      `MPLSGRE_JOB=${jobPath}`, `MPLSGRE_NODE=${process.execPath}`, `MPLSGRE_GUEST=${guestScript()}`, `MPLSGRE_CWD=${process.cwd()}`,
    ];
    const consoleText = await boot(kernel.binary, args, opts.timeoutMs, dir, opts.onLine, opts.signal);
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

async function boot(binary: string, args: string[], timeoutMs: number, cwd: string, onLine?: (line: string) => void, signal?: AbortSignal): Promise<string> {
  // UML backs guest memory with a file in TMPDIR; tmpfs keeps that off the disk.
  const shm = await access('/dev/shm').then(() => '/dev/shm', () => undefined);
  return new Promise((resolve, reject) => {
    // stdin from /dev/null: CI has no terminal, and UML must not read the caller's.
    // Its own process group: the kernel runs helper processes that hold the console pipe, and a
    // stop must end them all.
    const child = spawn(binary, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: shm ?? cwd } });
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
    child.stdout.on('data', take);
    child.stderr.on('data', take);
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
