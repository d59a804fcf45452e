/**
 * What a command could change on a host, as text to compare before and after: links, addresses,
 * routes (IPv4, IPv6, MPLS), rules, named namespaces, the networking sysctls mplsgre touches, and
 * every file under the given directories (state dir, reports/) with its size and content hash.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { execLocal } from '../../src/host/spawn.js';

const IP_VIEWS: readonly string[][] = [
  ['-j', 'link', 'show'],
  ['-j', 'address', 'show'],
  ['-j', 'route', 'show', 'table', 'all'],
  ['-j', '-6', 'route', 'show', 'table', 'all'],
  ['-j', '-f', 'mpls', 'route', 'show'],
  ['-j', 'rule', 'show'],
  ['netns', 'list'],
];

/** Every readable file under a /proc/sys directory, as path=value lines. */
function sysctls(dir: string, filter: (path: string) => boolean): string[] {
  if (!existsSync(dir)) return [`${dir}: absent`];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    let st;
    try {
      st = statSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) out.push(...sysctls(p, filter));
    else if (filter(p) && st.mode & 0o444) {
      try {
        out.push(`${p}=${readFileSync(p, 'utf8').trim()}`);
      } catch (err) {
        out.push(`${p}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
      }
    }
  }
  return out;
}

function files(dir: string): string[] {
  if (!existsSync(dir)) return [`${dir}: absent`];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort().map((rel) => {
    const p = join(dir, rel);
    const st = statSync(p);
    return st.isFile() ? `${p} ${st.size} ${createHash('sha256').update(readFileSync(p)).digest('hex')}` : `${p}/`;
  });
}

export type Snapshot = Record<string, string>;

export async function snapshotHost(dirs: readonly string[]): Promise<Snapshot> {
  const snap: Snapshot = {};
  for (const args of IP_VIEWS) {
    const r = await execLocal('ip', args, { timeoutMs: 10_000 });
    snap[`ip ${args.join(' ')}`] = r.failed ? `failed: ${r.stderr.trim()}` : r.stdout;
  }
  snap['sysctl net.ipv4.conf'] = sysctls('/proc/sys/net/ipv4/conf', (p) => /\/(rp_filter|forwarding)$/.test(p)).join('\n');
  snap['sysctl net.ipv4.ip_forward'] = sysctls('/proc/sys/net/ipv4', (p) => p.endsWith('/ip_forward')).join('\n');
  snap['sysctl net.ipv6.conf'] = sysctls('/proc/sys/net/ipv6/conf', (p) => p.endsWith('/forwarding')).join('\n');
  snap['sysctl net.mpls'] = sysctls('/proc/sys/net/mpls', () => true).join('\n');
  for (const d of dirs) snap[`files ${d}`] = files(d).join('\n');
  return snap;
}

/** The keys whose values differ, with both values. */
export function snapshotDiff(before: Snapshot, after: Snapshot): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => before[k] !== after[k]).map((k) => `${k}:\n  before: ${before[k]}\n  after:  ${after[k]}`);
}
