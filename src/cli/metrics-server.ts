import { createServer, type Server } from 'node:http';
import { EnvironmentError } from '../core/errors.js';
import type { ListenAddress } from './listen.js';

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
