/**
 * The single executable for the tests: built once per test process (copying Node and injecting
 * the blob takes ~20 s), copied into a temporary folder away from the repository, and run in a
 * mount namespace where Node's binary cannot be executed and PATH has no node.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { buildSea } from '../../scripts/package.js';
import { ROOT } from './fixtures.js';


let built: Promise<string> | undefined;

/** dist/sea/mplsgre from this checkout's bundle, built at most once per process. */
export function seaExecutable(): Promise<string> {
  return (built ??= buildSea(ROOT));
}

export interface Run {
  readonly code: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd?: string;
  readonly timeoutMs?: number;
  readonly env?: Record<string, string>;
  /** Run as this user and group id instead of root. */
  readonly uid?: number;
}

/** A folder with the executable and a PATH of only the host tools it runs: no node. */
export interface NodelessHost {
  readonly dir: string;
  readonly exe: string;
  /** PATH for the executable: a folder of symlinks to these tools only. */
  readonly path: string;
  /** Runs the copy with argv, Node unexecutable (mount namespace) and only `path` on PATH. */
  run(args: readonly string[], opts?: RunOptions): Promise<Run>;
  dispose(): Promise<void>;
}

/** Resolved once with this process's PATH: the executable's own PATH has only the tools under test. */
const NSENTER = spawnSync('which', ['nsenter'], { encoding: 'utf8', timeout: 5_000 }).stdout.trim() || '/usr/bin/nsenter';

const sh = (file: string, args: string[]): void => {
  const r = spawnSync(file, args, { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) throw new Error(`${file} ${args.join(' ')}: ${r.stderr || r.error?.message}`);
};

/** Every node this machine would run: this process's binary and whatever `node` PATH finds. */
function nodeBinaries(): string[] {
  const found = new Set([realpathSync(process.execPath)]);
  for (const d of (process.env.PATH ?? '').split(delimiter)) {
    try {
      found.add(realpathSync(join(d, 'node')));
    } catch {
      // no node in this folder
    }
  }
  return [...found];
}

/**
 * Copies the executable into a fresh folder and makes a persistent mount namespace (root only)
 * in which every node binary is covered by an empty read-only file: exec of node fails there,
 * so a command that passes proves the executable never starts node. Not a chroot: the rest of
 * the machine (ip, tcpdump, user-mode Linux) is as it is.
 */
export async function nodelessHost(tools: readonly string[] = ['ip', 'tcpdump']): Promise<NodelessHost> {
  const exeSource = await seaExecutable();
  const dir = await mkdtemp(join(tmpdir(), 'mplsgre-sea-'));
  await chmod(dir, 0o755);
  const exe = join(dir, 'mplsgre');
  await copyFile(exeSource, exe);
  await chmod(exe, 0o755);
  const bin = join(dir, 'bin');
  await mkdir(bin);
  for (const t of tools) {
    const which = spawnSync('which', [t], { encoding: 'utf8', timeout: 5_000 }).stdout.trim();
    if (which) await symlink(realpathSync(which), join(bin, t));
  }
  const ns = join(dir, 'ns');
  const handle = join(ns, 'mnt');
  const empty = join(dir, 'not-node');
  await mkdir(ns);
  await writeFile(handle, '');
  await writeFile(empty, '');
  // A namespace handle must live on a private mount.
  sh('mount', ['--bind', ns, ns]);
  sh('mount', ['--make-private', ns]);
  let mountedHandle = false;
  const dispose = async (): Promise<void> => {
    if (mountedHandle) spawnSync('umount', [handle], { timeout: 10_000 });
    spawnSync('umount', [ns], { timeout: 10_000 });
    await rm(dir, { recursive: true, force: true });
  };
  try {
    sh('unshare', [`--mount=${handle}`, '--propagation', 'private', 'true']);
    mountedHandle = true;
    for (const node of nodeBinaries()) sh('nsenter', [`--mount=${handle}`, 'mount', '--bind', '-o', 'ro', empty, node]);
  } catch (err) {
    await dispose();
    throw err;
  }
  const run: NodelessHost['run'] = (args, opts = {}) =>
    new Promise((resolve) => {
      const env = { PATH: bin, HOME: dir, LANG: 'C.UTF-8', ...opts.env };
      const user = opts.uid === undefined ? [] : [`--setuid=${opts.uid}`, `--setgid=${opts.uid}`];
      const child = spawn(NSENTER, [`--mount=${handle}`, `--wd=${opts.cwd ?? dir}`, ...user, '--', exe, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', (err) => {
        clearTimeout(timer);
        resolve({ code: null, signal: null, stdout, stderr: `${stderr}${err.message}` });
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, stdout, stderr });
      });
    });
  return { dir, exe, path: bin, run, dispose };
}

/** Proof that the namespace works: node itself, by its real path, cannot run there. */
export function nodeRunsIn(host: NodelessHost): Run {
  const r = spawnSync('nsenter', [`--mount=${join(host.dir, 'ns', 'mnt')}`, realpathSync(process.execPath), '--version'], { encoding: 'utf8', timeout: 10_000 });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}
