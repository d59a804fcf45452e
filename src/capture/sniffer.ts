import type { Background, Host } from '../host/host.js';

export interface SnifferResult {
  readonly iface: string;
  readonly file: string;
  /** tcpdump's own count on exit ("N packets captured"), when it printed one. */
  readonly captured?: number;
  readonly droppedByKernel?: number;
  readonly stderr: string;
}

export interface Sniffer {
  readonly iface: string;
  readonly file: string;
  stop(): Promise<SnifferResult>;
}

const LISTENING = /listening on /;

/**
 * Starts `tcpdump -w` and resolves only once it prints "listening on": packets sent before
 * that would be missed, and a missed packet must never pass for a dropped one.
 */
export async function startSniffer(host: Host, iface: string, file: string, filter: readonly string[] = [], lifeMs = 120_000): Promise<Sniffer> {
  // --immediate-mode: packets reach the file as they arrive, not a buffer block later.
  const bg: Background = host.start('tcpdump', ['-i', iface, '-n', '--immediate-mode', '-U', '-s', '262', '-w', file, ...filter], { timeoutMs: lifeMs });
  try {
    await bg.waitForLine(LISTENING, 10_000);
  } catch (err) {
    await bg.stop('SIGKILL');
    throw err;
  }
  return {
    iface,
    file,
    async stop() {
      const r = await bg.stop('SIGINT');
      // Over ssh the terminal merges tcpdump's stderr into stdout.
      const said = `${r.stderr}\n${r.stdout}`;
      const captured = /(\d+) packets? captured/.exec(said)?.[1];
      const dropped = /(\d+) packets? dropped by kernel/.exec(said)?.[1];
      return {
        iface, file, stderr: r.stderr,
        ...(captured ? { captured: Number(captured) } : {}),
        ...(dropped ? { droppedByKernel: Number(dropped) } : {}),
      };
    },
  };
}
