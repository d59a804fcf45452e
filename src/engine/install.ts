import { createHash } from 'node:crypto';
import { lstat, mkdir, readFile, readlink, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { InstallFile } from '../core/install-files.js';
import { UsageError } from '../core/errors.js';

/** One entry of the manifest: what install wrote, and how to tell it is still as written. */
export interface ManifestEntry {
  readonly path: string;
  readonly kind: 'file' | 'symlink';
  /** sha256 of a file's bytes. */
  readonly sha256?: string;
  /** A symlink's target. */
  readonly target?: string;
}

/** `/etc/mplsgre/TUNNEL.HOST.installed.json`: uninstall removes these and nothing else. */
export interface Manifest {
  readonly by: 'mplsgre install';
  readonly tunnel: string;
  readonly host: string;
  readonly target: string;
  readonly unit: string;
  readonly modules: readonly string[];
  readonly installedAt: string;
  readonly files: readonly ManifestEntry[];
}

export const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** What is at `path` under `root` now: absent, a file with its hash, a symlink with its target, or something else. */
export async function found(root: string, path: string): Promise<{ kind: 'absent' } | { kind: 'file'; sha256: string } | { kind: 'symlink'; target: string } | { kind: 'other' }> {
  const full = join(root, path);
  const st = await lstat(full).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' || e.code === 'ENOTDIR' ? undefined : Promise.reject(e)));
  if (!st) return { kind: 'absent' };
  if (st.isSymbolicLink()) return { kind: 'symlink', target: await readlink(full) };
  if (st.isFile()) return { kind: 'file', sha256: sha256(await readFile(full)) };
  return { kind: 'other' };
}

/** Whether what is at the entry's path is still exactly what install wrote. */
export async function unchanged(root: string, e: ManifestEntry): Promise<boolean | 'absent'> {
  const f = await found(root, e.path);
  if (f.kind === 'absent') return 'absent';
  if (e.kind === 'file') return f.kind === 'file' && f.sha256 === e.sha256;
  return f.kind === 'symlink' && f.target === e.target;
}

export const entryOf = (f: InstallFile): ManifestEntry =>
  f.kind === 'file' ? { path: f.path, kind: 'file', sha256: sha256(f.content) } : { path: f.path, kind: 'symlink', target: f.target };

/** `--root`: an existing directory (a staging root for an image, or `/`). */
export async function requireRoot(root: string): Promise<void> {
  const st = await stat(root).catch(() => undefined);
  if (!st?.isDirectory()) throw new UsageError('--root', `${root.slice(0, 200)} is not a directory (${st ? 'not a directory' : 'absent'}); create the staging root first`);
}

export async function readManifest(root: string, path: string): Promise<Manifest | undefined> {
  const text = await readFile(join(root, path), 'utf8').catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e)));
  if (text === undefined) return undefined;
  try {
    const m = JSON.parse(text) as Manifest;
    if (m.by !== 'mplsgre install' || !Array.isArray(m.files)) throw new Error('not a manifest of mplsgre install');
    return m;
  } catch (err) {
    throw new UsageError('manifest', `${path} is not a manifest mplsgre install wrote (${(err as Error).message}); nothing was changed`);
  }
}

/** Writes a file atomically (a temp file beside it, then a rename), creating its directory. */
export async function writeEntry(root: string, f: InstallFile | { path: string; kind: 'file'; content: string; mode: number }): Promise<void> {
  const full = join(root, f.path);
  await mkdir(dirname(full), { recursive: true, mode: 0o755 });
  const tmp = `${full}.${process.pid}.tmp`;
  if (f.kind === 'file') await writeFile(tmp, f.content, { mode: f.mode });
  else await symlink(f.target, tmp);
  await rename(tmp, full);
}

export async function removeEntry(root: string, path: string): Promise<void> {
  await rm(join(root, path), { force: true });
}
