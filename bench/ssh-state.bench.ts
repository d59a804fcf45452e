/**
 * What one remote command and one state save cost, per transport, on this machine: the same
 * network namespace reached by `ip netns exec` (what netns targets use) and by ssh through the
 * control master (what ssh targets use; test/support/sshd.ts). `up` runs ~2-3 commands per
 * changed step, one of them the state save, so these ratios are the ratio of `up` times.
 * Prints numbers only. Needs root and openssh-server.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { hostStateBackend, localStateBackend, StateStore, type HostState } from '../src/engine/state.js';
import { NetnsHost } from '../src/host/netns.js';
import { SshHost } from '../src/host/ssh.js';
import { createSshLab } from '../test/support/sshd.js';

export async function run(): Promise<void> {
  const lab = await createSshLab();
  const dir = await mkdtemp(join(tmpdir(), 'mplsgre-bench-state-'));
  const ssh = new SshHost({ host: lab.address, user: 'root', port: 2400, configFile: lab.clientConfig });
  try {
    await lab.addServer(2400);
    const netns = new NetnsHost(lab.netns);
    const state: HostState = {
      tunnel: 'foo4', host: 'B', target: ssh.name, updatedAt: new Date().toISOString(),
      steps: Array.from({ length: 13 }, (_, i) => ({ id: `B.step-${i}`, outcome: 'changed' as const, previous: '1' })),
    };
    const local = new StateStore(join(dir, 'local'), () => localStateBackend);
    const remote = new StateStore(join(dir, 'remote'), () => hostStateBackend(ssh));
    if (!(await ssh.probeReachable()).reachable) throw new Error('sshd did not answer');
    const bench = new Bench({ name: 'per command', time: 3_000, iterations: 20, warmupIterations: 3, throws: true });
    bench
      .add('exec true: ip netns exec', async () => void (await netns.exec('true', [])))
      .add('exec true: ssh (control master)', async () => void (await ssh.exec('true', [])))
      .add('state save: local file', () => local.save(state))
      .add('state save: on the ssh host', () => remote.save(state))
      .add('state load: on the ssh host', async () => void (await remote.load('foo4', ssh.name)));
    await bench.run();
    console.log('one command / one state save (this machine, sshd in a namespace)');
    console.table(bench.tasks.map((t) => ({ task: t.name, 'mean ms': t.result?.latency.mean.toFixed(2), 'p99 ms': t.result?.latency.p99?.toFixed(2), samples: t.result?.latency.samples.length })));
  } finally {
    await ssh.close();
    await lab.cleanup();
    await rm(dir, { recursive: true, force: true });
  }
}
