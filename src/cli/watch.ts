import { watchLoop } from '../commands/watch.js';
import { bind } from '../commands/tunnel.js';
import { ExitCode, UsageError } from '../core/errors.js';
import { formatTarget } from '../core/target.js';
import { loadTopology } from '../core/topology.js';
import type { WatchSnapshot } from '../core/watch-state.js';
import { renderWatchPrometheus } from '../report/watch-prometheus.js';
import { renderWatchText } from '../report/watch-text.js';
import { COMMON_OPTIONS, type CliCommand } from './command.js';
import { interruptible } from './interrupt.js';
import { parseListen } from './listen.js';
import { serveMetrics } from './metrics-server.js';
import { fileArg, str } from './parse.js';
import { sshConfigOption } from './target.js';

/** A positive number of seconds within [min, max], or `fallback` when absent. */
export function secondsOption(value: unknown, field: string, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  const s = str(value) ?? '';
  const n = /^\d+(\.\d+)?$/.test(s) ? Number(s) : NaN;
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(field, `must be a number of seconds from ${min} to ${max} (got ${JSON.stringify(s.slice(0, 100))})`);
  return n;
}

export const watch: CliCommand = {
  name: 'watch',
  summary: 'prove both directions every interval and serve the result as Prometheus metrics on /metrics',
  usage: 'mplsgre watch FILE --listen ADDR:PORT [--interval S] [--check-interval S] [--ssh-config FILE] [--json]',
  formats: ['text', 'prom'],
  options: { ...COMMON_OPTIONS, listen: { type: 'string' }, interval: { type: 'string' }, 'check-interval': { type: 'string' }, 'ssh-config': { type: 'string' } },
  async run(values, positionals, ctx) {
    // Bad input first, before anything is bound or contacted (exit 2).
    const file = fileArg(positionals);
    const at = parseListen(str(values.listen));
    const intervalS = secondsOption(values.interval, '--interval', 0.1, 86_400, 10);
    const checkIntervalS = secondsOption(values['check-interval'], '--check-interval', 1, 86_400, 300);
    const ssh = sshConfigOption(values['ssh-config']);
    const topology = await loadTopology(file);
    const sig = interruptible();
    try {
      let snap: WatchSnapshot = { tunnel: topology.tunnel.name, directions: [], counters: [], readiness: [], rounds: 0 };
      const server = await serveMetrics(at, () => renderWatchPrometheus(snap));
      let last: WatchSnapshot;
      try {
        const bound = await bind(topology, undefined, ssh);
        ctx.log(`watching ${topology.tunnel.name} (${topology.hosts.map((h) => `${h.name} ${formatTarget(h.target)}`).join(', ')}): a round every ${intervalS} s, check every ${checkIntervalS} s; metrics on ${server.url}`);
        last = await watchLoop(topology, bound.hosts, { intervalS, checkIntervalS, signal: sig.signal, log: ctx.log, onSnapshot: (s) => { snap = s; } });
      } finally {
        await server.close();
      }
      const got = sig.interrupted();
      ctx.log(`stopped${got ? ` by ${got}` : ''} after ${last.rounds} rounds; the server is closed`);
      // SIGTERM is how a service is stopped: a clean stop, exit 0. Ctrl-C keeps the CLI's 130.
      const exitCode = got === 'SIGINT' ? ExitCode.sigint : ExitCode.ok;
      return { result: last, exitCode, render: { text: (style) => renderWatchText(last, style), prom: () => renderWatchPrometheus(last) } };
    } finally {
      sig.dispose();
    }
  },
};
