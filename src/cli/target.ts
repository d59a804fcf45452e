import { existsSync } from 'node:fs';
import { EnvironmentError, UsageError } from '../core/errors.js';
import { parseTarget } from '../core/target.js';
import type { Host } from '../host/host.js';
import { LocalHost } from '../host/local.js';
import type { SshExtras } from '../host/targets.js';
import { requireSmallFile } from './io.js';
import { str } from './parse.js';

/** `--ssh` takes `ssh:[user@]host[:port]` or the same without the `ssh:` prefix. */
export function parseSshOption(value: string, field: string): Extract<ReturnType<typeof parseTarget>, { kind: 'ssh' }> {
  const t = parseTarget(value.startsWith('ssh:') ? value : `ssh:${value}`, field);
  if (t.kind !== 'ssh') throw new UsageError(field, `expected [user@]host[:port]`);
  return t;
}

/**
 * The host a command examines: this machine, a named network namespace on it, or a remote
 * machine over ssh (`--ssh`; it must answer, else exit 3). A --netns that does not exist is exit 3 too.
 * --netns and --ssh exclude each other.
 */
export async function hostFromOptions(o: { netns: string | undefined; ssh?: string | undefined; sshExtras?: SshExtras; probe?: 'connect' | 'command' }): Promise<Host> {
  if (o.netns !== undefined && o.ssh !== undefined) throw new UsageError('--ssh', '--ssh and --netns exclude each other: pick one host');
  if (o.ssh !== undefined) {
    const target = parseSshOption(o.ssh, '--ssh');
    const { hostForTarget } = await import('../host/targets.js');
    return hostForTarget(target, o.sshExtras, o.probe);
  }
  if (o.netns === undefined) return new LocalHost();
  // A well-formed name that is not there is the environment's state, not bad input: exit 3, as for a topology's netns target.
  if (!existsSync(`/run/netns/${o.netns}`)) throw new EnvironmentError(`--netns: network namespace "${o.netns}" does not exist (ip netns list; ip netns add ${o.netns})`);
  const { NetnsHost } = await import('../host/netns.js');
  return new NetnsHost(o.netns);
}

/** `--ssh-config FILE`: the ssh_config the OpenSSH client reads instead of ~/.ssh/config (ssh -F). */
export function sshConfigOption(value: unknown): SshExtras {
  const file = str(value);
  if (file === undefined) return {};
  requireSmallFile(file, '--ssh-config', MAX_SSH_CONFIG_BYTES, 'an ssh config');
  return { configFile: file };
}

/** ssh_config files are a few KiB; this bound only keeps /dev/zero and the like out. */
const MAX_SSH_CONFIG_BYTES = 1024 * 1024;
