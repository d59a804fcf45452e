import { createServer, type Server } from 'node:http';
import { isIP } from 'node:net';
import { EnvironmentError, UsageError } from '../core/errors.js';

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

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * The metrics endpoint: GET (or HEAD) /metrics gives `body()`, / a page linking to it, anything
 * else 404 (another method on them 405). Resolves once listening; a bind that fails (port in
 * use, an address not on this machine) is an EnvironmentError naming the reason (exit 3).
 */
export async function serveMetrics(at: ListenAddress, body: () => string): Promise<{ server: Server; url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics' && path !== '/') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: mplsgre watch serves /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
      return;
    }
    const text = path === '/metrics' ? body() : '<!doctype html><title>mplsgre watch</title><p><a href="/metrics">metrics</a></p>\n';
    res.writeHead(200, { 'content-type': path === '/metrics' ? METRICS_CONTENT_TYPE : 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    res.end(req.method === 'HEAD' ? undefined : text);
  });
  // A scraper that stops mid-request must not hold a socket for ever.
  server.requestTimeout = 10_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    const fail = (err: NodeJS.ErrnoException): void => {
      const why = err.code === 'EADDRINUSE' ? 'the port is in use'
        : err.code === 'EADDRNOTAVAIL' ? 'the address is not one of this machine\'s'
          : err.code === 'EACCES' ? 'permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)'
            : err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN' ? 'the host name does not resolve'
              : err.message;
      reject(new EnvironmentError(`--listen ${at.host.includes(':') ? `[${at.host}]` : at.host}:${at.port}: cannot listen: ${why} (${err.code ?? 'error'})`, err));
    };
    server.once('error', fail);
    server.listen(at.port, at.host, () => {
      server.off('error', fail);
      resolve();
    });
  });
  const close = (): Promise<void> => new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  return { server, url: `http://${at.host.includes(':') ? `[${at.host}]` : at.host}:${at.port}/metrics`, close };
}
