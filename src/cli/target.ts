import { existsSync } from 'node:fs';
import { UsageError } from '../core/errors.js';
import type { Host } from '../host/host.js';
import { LocalHost } from '../host/local.js';

/** The host a command examines: this machine, or a named network namespace on it. */
export async function hostFromOptions(o: { netns: string | undefined }): Promise<Host> {
  if (o.netns === undefined) return new LocalHost();
  if (!existsSync(`/run/netns/${o.netns}`)) throw new UsageError('--netns', `no network namespace "${o.netns}" (ip netns list)`);
  const { NetnsHost } = await import('../host/netns.js');
  return new NetnsHost(o.netns);
}
