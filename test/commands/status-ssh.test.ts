import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { statusCommand } from '../../src/commands/status.js';
import type { StatusReport } from '../../src/core/status.js';
import { formatTarget, type Target } from '../../src/core/topology.js';
import { hostStateBackend, StateStore } from '../../src/engine/state.js';
import type { ExecOptions, ExecResult, Host } from '../../src/host/host.js';
import { SshHost } from '../../src/host/ssh.js';
import type { StatusFixture } from '../../scripts/record-status.js';
import { ROOT } from '../support/fixtures.js';
import { runCli } from '../support/run-cli.js';
import { schemaErrors } from '../support/schema.js';
import { createSshLab, type SshLab } from '../support/sshd.js';

/** Counts the commands a host is asked to run; keeps `remote`. */
class Counting implements Host {
  readonly commands: string[] = [];
  constructor(readonly inner: SshHost) {}
  get name(): string {
    return this.inner.name;
  }
  get remote(): boolean {
    return true;
  }
  exec(file: string, args: readonly string[], opts?: ExecOptions): Promise<ExecResult> {
    this.commands.push(file);
    return this.inner.exec(file, args, opts);
  }
  readFiles(paths: readonly string[]): ReturnType<Host['readFiles']> {
    this.commands.push('readFiles');
    return this.inner.readFiles(paths);
  }
  start(...a: Parameters<Host['start']>): ReturnType<Host['start']> {
    return this.inner.start(...a);
  }
}

describe('status over ssh (a real sshd in a namespace on this machine)', function () {
  this.timeout(60_000);
  let lab: SshLab | undefined;
  let dir: string;
  const fx = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'status', 'status-up.json'), 'utf8')) as StatusFixture;

  before(async () => {
    if (process.getuid?.() !== 0) throw new Error('needs root for sshd in a namespace');
    lab = await createSshLab();
    await lab.addServer(2222);
    dir = await mkdtemp(join(tmpdir(), 'mplsgre-status-ssh-'));
  });
  after(async () => {
    await lab?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('one remote command reads the host and its record; an unreachable host is exit 3 and the other is still reported', async () => {
    const a = `ssh:root@${lab!.address}:2222`;
    const b = `ssh:root@${lab!.deadAddress}:2222`;
    const file = join(dir, 'ssh.yaml');
    await writeFile(file, fx.topology.replace(/netns:\S+-A\b/, a).replace(/netns:\S+-B\b/, b));
    const stateDir = join(dir, 'state');
    const ssh = SshHost.fromTarget({ kind: 'ssh', user: 'root', host: lab!.address, port: 2222 }, { configFile: lab!.clientConfig });
    const counted: Counting[] = [];
    try {
      // The record as `up` writes it for an ssh target: on that host.
      await new StateStore(stateDir, () => hostStateBackend(ssh)).save({ ...Object.values(fx.records)[0]!, target: a });
      const hostFor = async (t: Target): Promise<Host> => {
        const h = new Counting(SshHost.fromTarget(t as Extract<Target, { kind: 'ssh' }>, { configFile: lab!.clientConfig, connectTimeoutS: 5 }));
        counted.push(h);
        return h;
      };
      const r = await statusCommand({ file, stateDir, hostFor });
      expect(counted.map((h) => [h.name, h.commands])).to.deep.equal([[a, ['sh']], [b, ['sh']]]);
      const [ha, hb] = r.hosts;
      expect(ha!.state, ha!.error).to.equal('drift');
      expect(ha!.objects.find((o) => o.kind === 'tunnel')?.state).to.equal('missing');
      expect(hb!.state).to.equal('unreadable');
      expect(hb!.error).to.match(/Connection refused|connect/i);

      const prev = process.env.MPLSGRE_STATE_DIR;
      process.env.MPLSGRE_STATE_DIR = stateDir;
      const cli = await runCli(['status', file, '--ssh-config', lab!.clientConfig, '--json']).finally(() => {
        if (prev === undefined) delete process.env.MPLSGRE_STATE_DIR;
        else process.env.MPLSGRE_STATE_DIR = prev;
      });
      expect(cli.code, cli.stderr).to.equal(3);
      const doc = JSON.parse(cli.stdout) as { result: StatusReport };
      expect(schemaErrors(doc)).to.equal(undefined);
      expect(doc.result.hosts.map((h) => [h.target, h.state])).to.deep.equal([[formatTarget({ kind: 'ssh', user: 'root', host: lab!.address, port: 2222 }), 'drift'], [b, 'unreadable']]);
    } finally {
      await Promise.all([ssh, ...counted.map((h) => h.inner)].map((h) => h.close()));
    }
  });
});
