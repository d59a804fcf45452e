import { access } from 'node:fs/promises';
import { UsageError } from '../core/errors.js';
import type { Host } from '../host/host.js';
import { LocalHost } from '../host/local.js';
import { NetnsHost } from '../host/netns.js';

/** The host a command examines: this machine, or a named network namespace on it. */
export async function hostFromOptions(o: { netns: string | undefined }): Promise<Host> {
  if (o.netns === undefined) return new LocalHost();
  const ok = await access(`/run/netns/${o.netns}`).then(() => true, () => false);
  if (!ok) throw new UsageError('--netns', `no network namespace "${o.netns}" (ip netns list)`);
  return new NetnsHost(o.netns);
}
