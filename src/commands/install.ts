import { readFile, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { bootModules, CONFIG_DIR, installFiles, installPaths, localEnd } from '../core/install-files.js';
import { EnvironmentError, UsageError } from '../core/errors.js';
import { formatTarget, loadTopology } from '../core/topology.js';
import { entryOf, found, readManifest, removeEntry, requireRoot, unchanged, writeEntry, type Manifest, type ManifestEntry } from '../engine/install.js';

export interface InstallOptions {
  readonly file: string;
  readonly host: string;
  /** The staging root the paths are written under; `/` for this machine. */
  readonly root: string;
  /** argv that runs mplsgre on the target system (the unit's ExecStart/ExecStop start with it). */
  readonly command: readonly string[];
  /** `--watch ADDR:PORT`: also a unit running `watch --listen ADDR:PORT` beside the tunnel's. */
  readonly watch?: string;
}

export interface InstallResult {
  readonly tunnel: string;
  readonly host: string;
  readonly target: string;
  readonly root: string;
  readonly unit: string;
  readonly modules: readonly string[];
  readonly manifest: string;
  readonly files: readonly { path: string; kind: 'file' | 'symlink'; why: string; action: 'written' | 'unchanged' }[];
}

export interface UninstallResult {
  readonly tunnel: string;
  readonly host: string;
  readonly root: string;
  readonly installed: boolean;
  readonly removed: readonly string[];
  readonly absent: readonly string[];
  /** Changed since install: left in place, and still listed in the manifest. */
  readonly kept: readonly string[];
}

const ROLES = ['topology', 'modules', 'unit', 'wants', '--watch', '--watch'] as const;

/**
 * `mplsgre install FILE --host NAME`: the unit, the topology copy, the modules list and the
 * manifest, under `root`. Everything is checked before the first write: a file in the way that
 * the manifest does not vouch for is a usage error naming it, and nothing is written.
 */
export async function installCommand(o: InstallOptions): Promise<InstallResult> {
  await requireRoot(o.root);
  const topology = await loadTopology(o.file);
  const h = localEnd(topology, o.host);
  const source = await readFile(o.file, 'utf8');
  const files = installFiles(topology, h.name, source, o.command, o.watch === undefined ? undefined : { listen: o.watch });
  const paths = installPaths(topology.tunnel.name, h.name);
  const previous = await readManifest(o.root, paths.manifest);
  // A file the last install wrote and this one would not (its watch unit) must not be orphaned.
  const dropped = (previous?.files ?? []).filter((e) => !files.some((f) => f.path === e.path));
  if (dropped.length) throw new UsageError('--watch', `the last install also wrote ${dropped.map((e) => e.path).join(', ')}: give --watch again, or run uninstall first. Nothing was written`);
  const ours = new Map((previous?.files ?? []).map((e) => [e.path, e]));
  const actions: InstallResult['files'][number][] = [];
  for (const [i, f] of files.entries()) {
    const now = await found(o.root, f.path);
    const entry = entryOf(f);
    const same = now.kind === f.kind && (now.kind === 'file' ? now.sha256 === entry.sha256 : now.kind === 'symlink' && now.target === entry.target);
    const vouched = ours.has(f.path) && (await unchanged(o.root, ours.get(f.path)!)) === true;
    if (now.kind !== 'absent' && !vouched) {
      throw new UsageError(ROLES[i]!, `${f.path} exists${o.root === '/' ? '' : ` under ${o.root}`} and was not written by mplsgre install (${previous ? 'changed since install' : 'no manifest lists it'}); move it away first. Nothing was written`);
    }
    actions.push({ path: f.path, kind: f.kind, why: f.why, action: same ? 'unchanged' : 'written' });
  }
  const manifest: Manifest = {
    by: 'mplsgre install', tunnel: topology.tunnel.name, host: h.name, target: formatTarget(h.target),
    unit: paths.unitName, modules: bootModules(topology), installedAt: new Date().toISOString(), files: files.map(entryOf),
  };
  // The manifest first: a run stopped half-way leaves files that uninstall knows to be its own.
  try {
    await writeEntry(o.root, { path: paths.manifest, kind: 'file', content: `${JSON.stringify(manifest, null, 1)}\n`, mode: 0o644 });
    for (const f of files) await writeEntry(o.root, f);
  } catch (err) {
    throw new EnvironmentError(`cannot write under ${o.root}: ${(err as Error).message}; what was written is listed in ${paths.manifest} (uninstall removes it)`, err);
  }
  return {
    tunnel: topology.tunnel.name, host: h.name, target: manifest.target, root: o.root, unit: paths.unitName,
    modules: manifest.modules, manifest: paths.manifest, files: actions,
  };
}

/**
 * `mplsgre uninstall FILE --host NAME`: removes exactly what the manifest lists, and only where
 * it is still as install wrote it; a changed file is left in place and named (exit 1).
 */
export async function uninstallCommand(o: Omit<InstallOptions, 'command'>): Promise<UninstallResult> {
  await requireRoot(o.root);
  const topology = await loadTopology(o.file);
  const h = localEnd(topology, o.host);
  const paths = installPaths(topology.tunnel.name, h.name);
  const manifest = await readManifest(o.root, paths.manifest);
  const base = { tunnel: topology.tunnel.name, host: h.name, root: o.root };
  if (!manifest) return { ...base, installed: false, removed: [], absent: [], kept: [] };
  const removed: string[] = [];
  const absent: string[] = [];
  const kept: ManifestEntry[] = [];
  // Enablement first, the unit's topology last: a stop half-way never leaves an enabled unit without its file.
  for (const e of [...manifest.files].reverse()) {
    const state = await unchanged(o.root, e);
    if (state === 'absent') absent.push(e.path);
    else if (state) {
      await removeEntry(o.root, e.path);
      removed.push(e.path);
    } else kept.push(e);
  }
  if (kept.length) {
    await writeEntry(o.root, { path: paths.manifest, kind: 'file', content: `${JSON.stringify({ ...manifest, files: kept.reverse() }, null, 1)}\n`, mode: 0o644 });
  } else {
    await removeEntry(o.root, paths.manifest);
    removed.push(paths.manifest);
    // mplsgre's own directory goes when nothing is left in it; a non-empty one stays.
    await rmdir(join(o.root, CONFIG_DIR)).catch(() => undefined);
  }
  return { ...base, installed: true, removed, absent, kept: kept.map((e) => e.path) };
}
