import type { Socket } from 'node:net';

/**
 * The bulk TCP endpoint verify runs on each end (`mplsgre --tcp-endpoint JSON`, not listed in
 * help): it listens for the peer's transfer and sends its own, in one process so one start
 * (about 1.7 s of Node inside user-mode Linux) serves both directions, and prints one JSON line.
 * No daemon stays behind: the process ends once both transfers end, stall or time out.
 */
export interface TcpEndpointSpec {
  /** Receive one transfer on this overlay address and port. */
  readonly listen?: { readonly addr: string; readonly port: number };
  /** Send `bytes` random bytes from overlay address `from` to `to`:`port`, retrying the connection until the peer listens. */
  readonly send?: { readonly from: string; readonly to: string; readonly port: number; readonly bytes: number };
  /** A transfer with no progress for this long is stalled, and ends. */
  readonly stallMs: number;
  /** How long to keep trying to connect (the peer's endpoint may start later), or to wait for a connection. */
  readonly connectMs: number;
}

export interface TcpReceived {
  readonly bytes: number;
  readonly sha256: string;
  /** From the first byte to the last. */
  readonly ms: number;
  readonly stalled: boolean;
  readonly error?: string;
}

export interface TcpSent {
  readonly sent: number;
  readonly sha256: string;
  /** From the connection to the peer's close. */
  readonly ms: number;
  readonly stalled: boolean;
  readonly error?: string;
}

export interface TcpEndpointOutput {
  readonly listen?: TcpReceived;
  readonly send?: TcpSent;
}

const net = (): typeof import('node:net') => process.getBuiltinModule('node:net');
const crypto = (): typeof import('node:crypto') => process.getBuiltinModule('node:crypto');

function receive(addr: string, port: number, stallMs: number, connectMs: number, ready: () => void): Promise<TcpReceived> {
  return new Promise((resolve) => {
    const hash = crypto().createHash('sha256');
    let bytes = 0;
    let first = 0;
    let last = performance.now();
    let sock: Socket | undefined;
    let done = false;
    const finish = (stalled: boolean, error?: string): void => {
      if (done) return;
      done = true;
      clearInterval(timer);
      server.close();
      const end = performance.now();
      // A reset, not a FIN: the sender learns at once that its bytes will not be taken.
      if (stalled || error) sock?.resetAndDestroy();
      else sock?.end();
      resolve({ bytes, sha256: hash.digest('hex'), ms: first ? Math.max(1, Math.round(end - first)) : 0, stalled, ...(error ? { error } : {}) });
    };
    const server = net().createServer((s) => {
      if (sock) return void s.destroy();
      sock = s;
      last = performance.now();
      s.on('data', (d: Buffer) => {
        if (!first) first = performance.now();
        last = performance.now();
        bytes += d.length;
        hash.update(d);
      });
      s.on('end', () => finish(false));
      s.on('error', (e) => finish(false, e.message));
    });
    const started = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      if (sock && now - last > stallMs) finish(true);
      else if (!sock && now - started > connectMs + stallMs) finish(false, `no connection within ${connectMs + stallMs} ms`);
    }, 50);
    server.on('error', (e) => finish(false, e.message));
    server.listen({ host: addr, port, exclusive: true }, ready);
  });
}

function connectOnce(from: string, to: string, port: number, boundMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = net().connect({ host: to, port, localAddress: from });
    const t = setTimeout(() => {
      s.destroy();
      reject(Object.assign(new Error(`no answer to a connection within ${boundMs} ms`), { code: 'ETIMEDOUT' }));
    }, boundMs);
    s.once('connect', () => {
      clearTimeout(t);
      resolve(s);
    });
    s.once('error', (e) => {
      clearTimeout(t);
      reject(e);
    });
  });
}

async function send(from: string, to: string, port: number, total: number, stallMs: number, connectMs: number): Promise<TcpSent> {
  const hash = crypto().createHash('sha256');
  const until = performance.now() + connectMs;
  let s: Socket | undefined;
  for (;;) {
    try {
      s = await connectOnce(from, to, port, stallMs);
      break;
    } catch (e) {
      // Refused: the peer's endpoint is not listening yet.
      if ((e as { code?: string }).code !== 'ECONNREFUSED' || performance.now() > until) {
        return { sent: 0, sha256: hash.digest('hex'), ms: 0, stalled: (e as { code?: string }).code === 'ETIMEDOUT', error: (e as Error).message };
      }
      await new Promise((r) => setTimeout(r, 30));
    }
  }
  const sock = s;
  const started = performance.now();
  let sent = 0;
  let last = performance.now();
  return new Promise((resolve) => {
    let done = false;
    const finish = (stalled: boolean, error?: string): void => {
      if (done) return;
      done = true;
      clearInterval(timer);
      sock.destroy();
      resolve({ sent, sha256: hash.digest('hex'), ms: Math.max(1, Math.round(performance.now() - started)), stalled, ...(error ? { error } : {}) });
    };
    // Progress is the kernel taking bytes, then the peer closing once it has them all.
    const timer = setInterval(() => {
      if (performance.now() - last > stallMs * 2) finish(true);
    }, 50);
    sock.on('error', (e) => finish(false, e.message));
    sock.on('close', () => finish(false));
    sock.on('data', () => undefined);
    const pump = (): void => {
      while (sent < total) {
        const chunk = crypto().randomBytes(Math.min(65_536, total - sent));
        hash.update(chunk);
        sent += chunk.length;
        const more = sock.write(chunk, () => {
          last = performance.now();
        });
        if (!more) return void sock.once('drain', pump);
      }
      sock.end();
    };
    pump();
  });
}

/** Runs the endpoint the JSON argument describes; prints its one JSON line on stdout. */
export async function runTcpEndpoint(json: string | undefined): Promise<number> {
  let spec: TcpEndpointSpec;
  try {
    spec = JSON.parse(json ?? '') as TcpEndpointSpec;
  } catch {
    process.stderr.write('mplsgre --tcp-endpoint: one JSON argument expected\n');
    return 2;
  }
  const { listen: l, send: x, stallMs, connectMs } = spec;
  let listening: () => void = () => undefined;
  const ready = new Promise<void>((r) => (listening = r));
  const [received, sent] = await Promise.all([
    l ? receive(l.addr, l.port, stallMs, connectMs, listening) : (listening(), undefined),
    x ? ready.then(() => send(x.from, x.to, x.port, x.bytes, stallMs, connectMs)) : undefined,
  ]);
  const out: TcpEndpointOutput = { ...(received ? { listen: received } : {}), ...(sent ? { send: sent } : {}) };
  process.stdout.write(`${JSON.stringify(out)}\n`);
  return 0;
}
