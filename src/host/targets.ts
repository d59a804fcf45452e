import { access } from 'node:fs/promises';
import { EnvironmentError } from '../core/errors.js';
import { formatTarget, type Target } from '../core/target.js';
import type { Host } from './host.js';
import { LocalHost } from './local.js';
import { NetnsHost } from './netns.js';
import type { SshHostOptions } from './ssh.js';

/** Options for ssh targets (tests pass a client config file). */
export type SshExtras = Omit<SshHostOptions, 'host' | 'user' | 'port'>;

/**
 * The Host behind a topology target. A netns target must exist (`ip netns add` it first); an ssh
 * target must answer (connect, authenticate, and with `probe` 'command' run `true`; see
 * SshHost.probeReachable), else EnvironmentError (exit 3).
 * The ssh control master is closed when the process' event loop drains.
 */
export async function hostForTarget(t: Target, ssh: SshExtras = {}, probe: 'connect' | 'command' = 'command'): Promise<Host> {
  switch (t.kind) {
    case 'local':
      return new LocalHost();
    case 'netns': {
      const ok = await access(`/run/netns/${t.name}`).then(() => true, () => false);
      if (!ok) throw new EnvironmentError(`network namespace "${t.name}" does not exist (ip netns add ${t.name})`);
      return new NetnsHost(t.name);
    }
    case 'ssh': {
      const { SshHost, closeAtExit } = await import('./ssh.js');
      const host = closeAtExit(SshHost.fromTarget(t, ssh));
      const r = await host.probeReachable(probe);
      if (!r.reachable) {
        await host.close();
        throw new EnvironmentError(`${formatTarget(t)} is not reachable: ${r.error}`);
      }
      return host;
    }
  }
}
