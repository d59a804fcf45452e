import { createHash } from 'node:crypto';
import { access, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { EnvironmentError } from '../core/errors.js';
import { execLocal } from './spawn.js';

/** The packages a booted guest needs besides minbase: systemd as PID 1 and the tools mplsgre runs. */
export const GUEST_PACKAGES = ['systemd-sysv', 'iproute2', 'kmod', 'iputils-ping', 'tcpdump', 'procps'] as const;
export const SUITE = 'bookworm';
export const ROOT_CACHE = process.env.MPLSGRE_ROOT_CACHE ?? '/var/cache/mplsgre-test';

const exists = (p: string): Promise<boolean> => access(p).then(() => true, () => false);

/** The cached root's folder, keyed by suite, variant and package list: a changed list builds anew. */
export function debianRootPath(packages: readonly string[] = GUEST_PACKAGES): string {
  const key = createHash('sha256').update(`${SUITE} minbase ${[...packages].sort().join(',')}`).digest('hex').slice(0, 12);
  return join(ROOT_CACHE, `${SUITE}-minbase-${key}`);
}

/**
 * A minimal Debian root made from Debian's packages by mmdebstrap, built once per machine and
 * package list (~35 s to a few minutes, ~220 MB) and reused after. Built into a temporary folder
 * and renamed, so a stopped build never leaves a half root that looks finished. Needs root.
 */
export async function ensureDebianRoot(log: (msg: string) => void = () => {}, packages: readonly string[] = GUEST_PACKAGES): Promise<{ path: string; built: boolean }> {
  const path = debianRootPath(packages);
  if (await exists(join(path, 'lib', 'systemd', 'systemd'))) return { path, built: false };
  if (process.getuid?.() !== 0) throw new EnvironmentError(`no cached Debian root at ${path}, and building one needs root (mmdebstrap)`);
  await mkdir(ROOT_CACHE, { recursive: true, mode: 0o755 });
  const tmp = `${path}.${process.pid}.build`;
  await rm(tmp, { recursive: true, force: true });
  log(`building a ${SUITE} root with mmdebstrap into ${path} (${packages.join(', ')})`);
  const r = await execLocal('mmdebstrap', ['--quiet', '--variant=minbase', `--include=${packages.join(',')}`, SUITE, tmp], { timeoutMs: 900_000, env: { DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.failed) {
    await rm(tmp, { recursive: true, force: true });
    throw new EnvironmentError(`mmdebstrap failed (${r.spawnError ?? `exit ${r.exitCode}`}): ${r.stderr.trim().slice(-1500)}; install it with apt-get install mmdebstrap`);
  }
  await rename(tmp, path);
  return { path, built: true };
}

/** A private copy of the cached root (cp -a keeps owners, modes and links): a boot changes the copy only. */
export async function copyRoot(from: string, to: string): Promise<void> {
  const r = await execLocal('cp', ['-a', '--', `${from}/.`, to], { timeoutMs: 300_000 });
  if (r.failed) throw new EnvironmentError(`cp -a ${from} ${to}: ${r.stderr.trim() || r.spawnError}`);
}
