import { UsageError } from './errors.js';
import { quote } from './show.js';
import { parseIp } from './address.js';
import { parseNetnsName } from './names.js';

/** Where a host's commands run. An ssh `host` is stored without IPv6 brackets. */
export type Target =
  | { kind: 'local' }
  | { kind: 'netns'; name: string }
  | { kind: 'ssh'; user?: string; host: string; port?: number };

const FORMS = 'local, netns:NAME or ssh:[user@]host[:port]';
const USER_RE = /^[a-z_][a-z0-9_.-]{0,31}$/;
const LABEL_RE = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

function sshHost(raw: string, field: string): string {
  if (raw === '') throw new UsageError(field, 'the ssh host is empty');
  if (raw.startsWith('-')) throw new UsageError(field, `the ssh host ${quote(raw)} starts with "-" and would read as an ssh option`);
  if (raw.startsWith('[')) {
    const inner = raw.slice(1, -1);
    if (!raw.endsWith(']') || !process.getBuiltinModule('node:net').isIPv6(inner)) throw new UsageError(field, `${quote(raw)} is not a bracketed IPv6 address`);
    return parseIp(inner, field).text;
  }
  if (/^[0-9.]+$/.test(raw)) return parseIp(raw, field).text;
  if (raw.includes(':')) throw new UsageError(field, `${quote(raw)}: write an IPv6 host in brackets, e.g. ssh:root@[fd00::2]:22`);
  const labels = raw.split('.');
  if (raw.length > 253 || !labels.every((l) => LABEL_RE.test(l)) || /^[0-9]+$/.test(labels[labels.length - 1] ?? '')) {
    throw new UsageError(field, `${quote(raw)} is not a host name, IPv4 address or [IPv6] address`);
  }
  return raw;
}

/**
 * Parses a target: `local`, `netns:NAME` or `ssh:[user@]host[:port]` (IPv6 hosts in brackets).
 * Anything that could read as an option to ssh or ip (a leading "-") is refused.
 */
export function parseTarget(value: unknown, field: string): Target {
  if (typeof value !== 'string') throw new UsageError(field, `expected a target (${FORMS}), found ${value === null ? 'nothing' : typeof value}`);
  if (value === 'local') return { kind: 'local' };
  if (value.startsWith('netns:')) return { kind: 'netns', name: parseNetnsName(value.slice(6), field) };
  if (!value.startsWith('ssh:')) throw new UsageError(field, `${quote(value)} is not one of ${FORMS}`);
  let rest = value.slice(4);
  let user: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
    if (!USER_RE.test(user)) throw new UsageError(field, `ssh user ${quote(user)} must match [a-z_][a-z0-9_.-]* (at most 32 characters)`);
  }
  let port: number | undefined;
  const portMatch = /^(\[[^\]]*\]|[^:[\]]*):([^:]*)$/.exec(rest);
  if (portMatch) {
    const p = portMatch[2] ?? '';
    if (!/^[1-9][0-9]{0,4}$/.test(p) || Number(p) > 65535) throw new UsageError(field, `ssh port ${quote(p)} must be a number 1..65535`);
    port = Number(p);
    rest = portMatch[1] ?? '';
  }
  const host = sshHost(rest, field);
  return { kind: 'ssh', ...(user === undefined ? {} : { user }), host, ...(port === undefined ? {} : { port }) };
}

/** The target as written in a topology file; inverse of parseTarget. */
export function formatTarget(t: Target): string {
  if (t.kind === 'local') return 'local';
  if (t.kind === 'netns') return `netns:${t.name}`;
  const host = t.host.includes(':') ? `[${t.host}]` : t.host;
  return `ssh:${t.user === undefined ? '' : `${t.user}@`}${host}${t.port === undefined ? '' : `:${t.port}`}`;
}
