import { access } from 'node:fs/promises';
import { EnvironmentError } from '../core/errors.js';
import type { Target } from '../core/target.js';
import type { Host } from './host.js';
import { LocalHost } from './local.js';
import { NetnsHost } from './netns.js';

/** The Host behind a topology target. A netns target must exist (`ip netns add` it first). */
export async function hostForTarget(t: Target): Promise<Host> {
  switch (t.kind) {
    case 'local':
      return new LocalHost();
    case 'netns': {
      const ok = await access(`/run/netns/${t.name}`).then(() => true, () => false);
      if (!ok) throw new EnvironmentError(`network namespace "${t.name}" does not exist (ip netns add ${t.name})`);
      return new NetnsHost(t.name);
    }
    case 'ssh':
      throw new EnvironmentError(`ssh targets (${t.user ? `${t.user}@` : ''}${t.host}) are not supported by this version; use local or netns:NAME`);
  }
}
