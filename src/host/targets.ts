import { access } from 'node:fs/promises';
import { EnvironmentError } from '../core/errors.js';
import { formatTarget, type Target } from '../core/target.js';
import type { FileRead, Host } from './host.js';
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
  return (await bindTarget(t, ssh, [], probe)).host;
}

/**
 * hostForTarget, and on an ssh target the files in `read` read on the remote host by the same
 * command that proves it answers (one remote command, not two). Local and netns targets read
 * nothing here (`files` is empty): their files are this machine's.
 */
export async function bindTarget(t: Target, ssh: SshExtras = {}, read: readonly string[] = [], probe: 'connect' | 'command' = 'command'): Promise<{ host: Host; files: readonly FileRead[] }> {
  switch (t.kind) {
    case 'local':
      return { host: new LocalHost(), files: [] };
    case 'netns': {
      const ok = await access(`/run/netns/${t.name}`).then(() => true, () => false);
      if (!ok) throw new EnvironmentError(`network namespace "${t.name}" does not exist (ip netns add ${t.name})`);
      return { host: new NetnsHost(t.name), files: [] };
    }
    case 'ssh': {
      const { SshHost, closeAtExit } = await import('./ssh.js');
      const host = closeAtExit(SshHost.fromTarget(t, ssh));
      const r = await host.probeReachable(probe, read);
      if (!r.reachable) {
        await host.close();
        throw new EnvironmentError(`${formatTarget(t)} is not reachable: ${r.error}`);
      }
      return { host, files: r.files ?? [] };
    }
  }
}
