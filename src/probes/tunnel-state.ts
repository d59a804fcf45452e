import type { LinkFact, MplsRouteFact, StatusReadSpec, TunnelFacts } from '../core/status.js';
import type { ClassFacts, ReadPart } from '../core/status-classes.js';
import { sysctlProcPath } from '../core/sysctl-key.js';
import { splitFrames } from '../host/frames.js';
import type { Host } from '../host/host.js';

/**
 * Everything `status` needs from one host in one command: links with their addresses and tunnel
 * data, label routes, the overlay route, the sysctls (one `grep -H` prints each file's value after
 * its path: dash's `read` takes one byte per read(2), and /proc/sys answers a read at an offset
 * past 0 with end of file) and, for remote hosts, the state record. Each part is framed `\nNONCE NAME` ...
 * `\nNONCE rc CODE`; the nonce is random per call so no output can forge a frame. Fixed, never
 * built from input: nonce, family, prefix, record path and sysctl files arrive as positional
 * arguments. It always exits 0: a failing part reports its own code.
 */
export const STATUS_READ_SCRIPT =
  'n=$1; fam=$2; pfx=$3; rec=$4; shift 4; ' +
  'h() { printf "\\n%s %s\\n" "$n" "$1"; }; e() { printf "\\n%s rc %s\\n" "$n" "$1"; }; ' +
  'h links; ip -j -d address show 2>&1; e $?; ' +
  'h mpls; ip -j -f mpls route show 2>&1; e $?; ' +
  'h route; ip "$fam" route show exact "$pfx" 2>&1; e $?; ' +
  'h sysctls; for f do if [ ! -r "$f" ]; then if [ -e "$f" ]; then echo "EACCES $f"; else echo "ENOENT $f"; fi; fi; done; ' +
  '[ $# -eq 0 ] || grep -s -H "" -- "$@"; e $?; ' +
  'if [ -n "$rec" ]; then h record; if [ -e "$rec" ]; then cat -- "$rec" 2>&1; e $?; else e 2; fi; fi; exit 0';

/**
 * STATUS_READ_SCRIPT for a host with traffic classes (the same parts, then): the mangle table,
 * the policy rules, each class table (`$tbl`: the tables' numbers, from the topology, split on
 * spaces) and, with `$dev`, the tunnel's qdiscs and egress filters. Two more positional
 * arguments before the sysctl files.
 */
export const STATUS_READ_SCRIPT_CLASSES =
  'n=$1; fam=$2; pfx=$3; rec=$4; tbl=$5; dev=$6; shift 6; ' +
  'h() { printf "\\n%s %s\\n" "$n" "$1"; }; e() { printf "\\n%s rc %s\\n" "$n" "$1"; }; ' +
  'h links; ip -j -d address show 2>&1; e $?; ' +
  'h mpls; ip -j -f mpls route show 2>&1; e $?; ' +
  'h route; ip "$fam" route show exact "$pfx" 2>&1; e $?; ' +
  'h sysctls; for f do if [ ! -r "$f" ]; then if [ -e "$f" ]; then echo "EACCES $f"; else echo "ENOENT $f"; fi; fi; done; ' +
  '[ $# -eq 0 ] || grep -s -H "" -- "$@"; e $?; ' +
  'h mangle; iptables-legacy-save -t mangle 2>&1; e $?; ' +
  'h rules; ip -j rule show 2>&1; e $?; ' +
  'for t in $tbl; do h "table-$t"; ip "$fam" route show table "$t" 2>&1; e $?; done; ' +
  'if [ -n "$dev" ]; then h qdisc; tc -j qdisc show dev "$dev" 2>&1; e $?; h filter; tc filter show dev "$dev" egress 2>&1; e $?; fi; ' +
  'if [ -n "$rec" ]; then h record; if [ -e "$rec" ]; then cat -- "$rec" 2>&1; e $?; else e 2; fi; fi; exit 0';

/** Bounds the one read: a host that does not answer in this time is unreadable. */
export const STATUS_READ_TIMEOUT_MS = 10_000;

export interface Section {
  readonly body: string;
  /** undefined when the output ended before the part's exit code (cut short). */
  readonly rc: number | undefined;
}

/** Splits STATUS_READ_SCRIPT output into its parts by name. */
export function parseSections(out: string, nonce: string): Map<string, Section> {
  const parts = new Map<string, Section>();
  let open: string | undefined;
  for (const { head, data } of splitFrames(out, nonce)) {
    if (head.startsWith('rc ')) {
      const prev = open === undefined ? undefined : parts.get(open);
      if (open !== undefined && prev) parts.set(open, { body: prev.body, rc: /^rc (\d+)$/.test(head) ? Number(head.slice(3)) : undefined });
      open = undefined;
    } else {
      open = head;
      parts.set(head, { body: data, rc: undefined });
    }
  }
  return parts;
}

const fields = (v: unknown): Record<string, unknown> => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function jsonList(text: string, what: string): unknown[] {
  let v: unknown;
  try {
    v = JSON.parse(text.trim() === '' ? '[]' : text);
  } catch (err) {
    throw new Error(`${what}: not JSON (${(err as Error).message})`);
  }
  if (!Array.isArray(v)) throw new Error(`${what}: expected a JSON list`);
  return v;
}

/** `ip -j -d address show`: every link, its admin state, tunnel data and addresses. */
export function parseLinkFacts(json: string): LinkFact[] {
  return jsonList(json, 'ip -j -d address show').map((raw) => {
    const l = fields(raw);
    const info = fields(fields(l.linkinfo).info_data);
    const flags = Array.isArray(l.flags) ? l.flags : [];
    const ttl = info.ttl;
    const addr = Array.isArray(l.addr_info) ? l.addr_info.map(fields) : [];
    return {
      ifname: str(l.ifname) ?? '',
      up: flags.includes('UP'),
      ...(str(fields(l.linkinfo).info_kind) ? { kind: str(fields(l.linkinfo).info_kind)! } : {}),
      ...(str(info.local) ? { local: str(info.local)! } : {}),
      ...(str(info.remote) ? { remote: str(info.remote)! } : {}),
      ...(typeof ttl === 'number' ? { ttl } : {}),
      addresses: addr.filter((a) => str(a.local) && typeof a.prefixlen === 'number').map((a) => `${str(a.local)}/${String(a.prefixlen)}`),
    };
  });
}

/** `ip -j -f mpls route show`. iproute2 may print "dst" twice; JSON.parse keeps the last, the label. */
export function parseMplsRoutes(json: string): MplsRouteFact[] {
  return jsonList(json, 'ip -j -f mpls route show').flatMap((raw) => {
    const r = fields(raw);
    const label = Number(str(r.dst) ?? NaN);
    if (!Number.isInteger(label)) return [];
    const via = fields(r.via);
    const viaText = str(via.host) ? `${str(via.family) ?? ''} ${str(via.host)}`.trim() : undefined;
    const dev = str(r.dev);
    const text = [viaText ? `via ${viaText}` : '', dev ? `dev ${dev}` : ''].filter(Boolean).join(' ') || JSON.stringify(raw);
    return [{ label, text, ...(dev ? { dev } : {}), ...(viaText ? { via: viaText } : {}) }];
  });
}

/**
 * The sysctls part: `ENOENT PATH` or `EACCES PATH` for a file that cannot be read, `PATH:VALUE`
 * for one that can. By key; null when the key does not exist. Throws when a file the shell could
 * read has no value (EACCES, or grep missing).
 */
export function parseSysctls(body: string, keys: readonly string[], files: readonly string[]): Record<string, string | null> {
  const values = new Map<string, string>();
  const absent = new Set<string>();
  for (const line of body.split('\n')) {
    if (line.startsWith('ENOENT ')) absent.add(line.slice(7));
    else if (line.startsWith('EACCES ')) throw new Error(`cannot read ${line.slice(7)}: EACCES`);
    else {
      const at = line.startsWith('/') ? line.indexOf(':') : -1;
      if (at > 0 && !values.has(line.slice(0, at))) values.set(line.slice(0, at), line.slice(at + 1).trim());
    }
  }
  const out: Record<string, string | null> = {};
  keys.forEach((key, i) => {
    const f = files[i]!;
    if (absent.has(f)) out[key] = null;
    else if (values.has(f)) out[key] = values.get(f)!;
    else throw new Error(`no value read from ${f}`);
  });
  return out;
}

/** The class parts; the mangle table and the rules must read (a host where they cannot is unreadable), a table or the tc parts may fail (a missing tunnel). */
function classFacts(part: (name: string) => Section, cls: NonNullable<StatusReadSpec['classes']>): ClassFacts {
  const must = (name: string, what: string): ReadPart => {
    const p = part(name);
    if (p.rc !== 0) throw new Error(`${what} failed: ${p.body.trim() || `exit ${p.rc}`}`);
    return { rc: 0, out: p.body };
  };
  const may = (name: string): ReadPart => {
    const p = part(name);
    return { rc: p.rc!, out: p.body };
  };
  return {
    mangle: must('mangle', 'iptables-legacy-save -t mangle'),
    rules: must('rules', 'ip -j rule show'),
    tables: Object.fromEntries(cls.tables.map((t) => [String(t), may(`table-${t}`)])),
    ...(cls.tcDev ? { qdisc: may('qdisc'), filter: may('filter') } : {}),
  };
}

export type TunnelRead =
  | { readonly ok: true; readonly facts: TunnelFacts; readonly record?: { readonly text: string } | { readonly absent: true } }
  | { readonly ok: false; readonly error: string };

/**
 * One command on `host` reads what `spec` names (and the record at `recordPath`, for hosts whose
 * files are not this machine's). Failures are data: a host that cannot run it is `ok: false`.
 */
export async function readTunnelState(host: Host, spec: StatusReadSpec, opts: { recordPath?: string; nonce?: string } = {}): Promise<TunnelRead> {
  const nonce = opts.nonce ?? `@mplsgre-${process.getBuiltinModule('node:crypto').randomBytes(8).toString('hex')}`;
  const prefix = spec.prefix.startsWith('-') ? '' : spec.prefix;
  const files = spec.sysctls.map(sysctlProcPath);
  const cls = spec.classes;
  const rec = opts.recordPath ?? '';
  const r = cls
    ? await host.exec('sh', ['-c', STATUS_READ_SCRIPT_CLASSES, 'sh', nonce, spec.family, prefix, rec, cls.tables.join(' '), cls.tcDev ?? '', ...files], { timeoutMs: STATUS_READ_TIMEOUT_MS })
    : await host.exec('sh', ['-c', STATUS_READ_SCRIPT, 'sh', nonce, spec.family, prefix, rec, ...files], { timeoutMs: STATUS_READ_TIMEOUT_MS });
  if (r.failed) {
    const why = r.timedOut ? `no answer within ${STATUS_READ_TIMEOUT_MS / 1000} s` : r.spawnError ?? (r.stderr.trim().split('\n').filter(Boolean).pop() || `exit ${r.exitCode ?? r.signal}`);
    return { ok: false, error: `${host.name}: ${why}` };
  }
  const parts = parseSections(r.stdout, nonce);
  const part = (name: string): Section => {
    const s = parts.get(name);
    if (!s || s.rc === undefined) throw new Error(`the output ended before ${name} (${r.stdout.length} bytes)`);
    return s;
  };
  try {
    const links = part('links');
    if (links.rc !== 0) throw new Error(`ip -j -d address show failed: ${links.body.trim() || `exit ${links.rc}`}`);
    const mpls = part('mpls');
    const route = part('route');
    if (route.rc !== 0) throw new Error(`ip ${spec.family} route show exact ${spec.prefix} failed: ${route.body.trim() || `exit ${route.rc}`}`);
    const sysctls = parseSysctls(part('sysctls').body, spec.sysctls, files);
    const facts: TunnelFacts = {
      links: parseLinkFacts(links.body),
      mplsRoutes: mpls.rc === 0 ? parseMplsRoutes(mpls.body) : { error: mpls.body.trim() || `exit ${mpls.rc}` },
      overlayRoutes: route.body.split('\n').map((l) => l.trim()).filter(Boolean),
      sysctls,
      ...(cls ? { classes: classFacts(part, cls) } : {}),
    };
    if (!opts.recordPath) return { ok: true, facts };
    const rec = part('record');
    if (rec.rc !== 0 && rec.rc !== 2) throw new Error(`cannot read the state record ${opts.recordPath}: ${rec.body.trim() || `exit ${rec.rc}`}`);
    return { ok: true, facts, record: rec.rc === 0 ? { text: rec.body } : { absent: true } };
  } catch (err) {
    return { ok: false, error: `${host.name}: ${(err as Error).message}` };
  }
}
