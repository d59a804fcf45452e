import { isIP } from 'node:net';
import { UsageError } from '../core/errors.js';

/** Where `--listen` asks the metrics server to listen. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** `ADDR:PORT`: an IPv4 address, a bracketed IPv6 address or a host name, and a port 1-65535. */
export function parseListen(value: string | undefined, field = '--listen'): ListenAddress {
  if (value === undefined || value === '') throw new UsageError(field, 'ADDR:PORT is required (e.g. 127.0.0.1:9478, [::1]:9478, 0.0.0.0:9478)');
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value);
  const shown = JSON.stringify(value.slice(0, 100));
  if (!m) throw new UsageError(field, `must be ADDR:PORT, an IPv6 address in brackets (got ${shown})`);
  const host = m[1] ?? m[2]!;
  const port = Number(m[3]);
  if (m[1] !== undefined ? isIP(host) !== 6 : !(isIP(host) === 4 || (HOSTNAME.test(host) && !/^[\d.]+$/.test(host)))) {
    throw new UsageError(field, `${JSON.stringify(host.slice(0, 100))} is not an IPv4 address, a bracketed IPv6 address or a host name`);
  }
  if (!/^[1-9]\d*$/.test(m[3]!) || port > 65535) throw new UsageError(field, `port must be 1 to 65535 (got ${m[3]})`);
  return { host, port };
}
