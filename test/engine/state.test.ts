import { expect } from 'chai';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostStateBackend, localStateBackend, StateStore, stateStoreFor, WRITE_STATE_SCRIPT, type HostState } from '../../src/engine/state.js';
import type { ExecOptions, ExecResult, Host } from '../../src/host/host.js';
import { LocalHost } from '../../src/host/local.js';

const state = (tunnel: string, target: string, n = 1): HostState => ({
  tunnel, host: 'A', target, updatedAt: '2026-01-01T00:00:00.000Z',
  steps: Array.from({ length: n }, (_, i) => ({ id: `A.step-${i}`, outcome: 'changed' as const, previous: String(i) })),
});

/** This machine through the Host seam, remembering every command: a real shell runs the store's scripts. */
class Recorder extends LocalHost {
  readonly calls: { argv: string[]; input: string | undefined }[] = [];
  override readonly name = 'ssh:recorder';
  readonly remote = true;
  override exec(file: string, args: readonly string[], opts?: ExecOptions): Promise<ExecResult> {
    this.calls.push({ argv: [file, ...args], input: opts?.input });
    return super.exec(file, args, opts);
  }
}

/** A tunnel name no interface could carry, aimed at every quoting mistake a shell script can make. */
const HOSTILE_TUNNEL = `a'b"c$(touch PWNED)\`touch PWNED\`;touch PWNED&&x|y*?[z] \\n`;

describe('StateStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mplsgre-state-test-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('local files: save, load, remove; the record is 0600 in a 0700 directory', async () => {
    const store = new StateStore(join(dir, 'state'));
    expect(await store.load('foo4', 'netns:A')).to.equal(undefined);
    await store.save(state('foo4', 'netns:A', 3));
    expect(await store.load('foo4', 'netns:A')).to.deep.equal(state('foo4', 'netns:A', 3));
    expect(statSync(join(dir, 'state')).mode & 0o777).to.equal(0o700);
    expect(statSync(join(dir, 'state', 'foo4@netns_A.json')).mode & 0o777).to.equal(0o600);
    await store.remove('foo4', 'netns:A');
    expect(await store.load('foo4', 'netns:A')).to.equal(undefined);
    expect(readdirSync(join(dir, 'state'))).to.deep.equal([]);
  });

  it('two namespaces sharing one file system keep separate records (the key includes the target)', async () => {
    const store = new StateStore(dir);
    await store.save(state('foo4', 'netns:A', 1));
    await store.save(state('foo4', 'netns:B', 2));
    expect((await store.load('foo4', 'netns:A'))?.steps).to.have.length(1);
    expect((await store.load('foo4', 'netns:B'))?.steps).to.have.length(2);
    await store.remove('foo4', 'netns:A');
    expect(await store.load('foo4', 'netns:B')).to.not.equal(undefined);
  });

  describe('on the host (ssh targets), through the Host seam', () => {
    it('writes with a fixed script, the record on stdin, atomically, mode 0600; reads it back; removes it', async () => {
      const host = new Recorder();
      const store = new StateStore(join(dir, 'remote state'), () => hostStateBackend(host));
      const s = state('foo4', 'ssh:root@b', 2);
      await store.save(s);
      const write = host.calls[0]!;
      expect(write.argv.slice(0, 3)).to.deep.equal(['sh', '-c', WRITE_STATE_SCRIPT]);
      expect(write.argv.join(' ')).to.not.contain('A.step-0');
      expect(JSON.parse(write.input!)).to.deep.equal(s);
      const file = join(dir, 'remote state', 'foo4@ssh_root_b.json');
      expect(statSync(file).mode & 0o777).to.equal(0o600);
      expect(statSync(join(dir, 'remote state')).mode & 0o777).to.equal(0o700);
      expect(readdirSync(join(dir, 'remote state')), 'no temp file left').to.deep.equal(['foo4@ssh_root_b.json']);
      // A second save replaces the record whole.
      await store.save(state('foo4', 'ssh:root@b', 5));
      expect((await store.load('foo4', 'ssh:root@b'))?.steps).to.have.length(5);
      expect(readdirSync(join(dir, 'remote state'))).to.have.length(1);
      await store.remove('foo4', 'ssh:root@b');
      expect(existsSync(file)).to.equal(false);
      expect(await store.load('foo4', 'ssh:root@b')).to.equal(undefined);
    });

    it('a hostile tunnel name and target land as one file at the exact path, and nothing runs', async () => {
      const host = new Recorder();
      const sub = join(dir, "-odd dir $(touch PWNED) 'q'");
      const store = new StateStore(sub, () => hostStateBackend(host));
      const target = 'ssh:root@host;touch PWNED';
      await store.save(state(HOSTILE_TUNNEL, target));
      expect(readdirSync(sub)).to.deep.equal([`${HOSTILE_TUNNEL}@ssh_root_host_touch_PWNED.json`]);
      expect(await store.load(HOSTILE_TUNNEL, target)).to.deep.equal(state(HOSTILE_TUNNEL, target));
      await store.remove(HOSTILE_TUNNEL, target);
      expect(readdirSync(sub)).to.deep.equal([]);
      expect(existsSync(join(process.cwd(), 'PWNED')) || existsSync(join(dir, 'PWNED')) || existsSync(join(sub, 'PWNED'))).to.equal(false);
    });

    it('a relative directory starting with "-" is not read as an option', async () => {
      const host = new Recorder();
      const cwd = process.cwd();
      process.chdir(dir);
      try {
        const store = new StateStore('-rf', () => hostStateBackend(host));
        await store.save(state('foo4', 'ssh:b'));
        expect(readdirSync(join(dir, '-rf'))).to.deep.equal(['foo4@ssh_b.json']);
        await store.remove('foo4', 'ssh:b');
        expect(readdirSync(join(dir, '-rf'))).to.deep.equal([]);
      } finally {
        process.chdir(cwd);
      }
    });

    it('a record that cannot be read is an error, not "no record"; a failed write says which host', async () => {
      const host = new Recorder();
      const store = new StateStore(dir, () => hostStateBackend(host));
      // A directory where the record should be: it exists but cannot be read as a file.
      await writeFile(join(dir, 'blocker'), '');
      const { mkdir } = await import('node:fs/promises');
      await mkdir(join(dir, 'foo4@ssh_b.json'));
      const err = await store.load('foo4', 'ssh:b').catch((e: unknown) => e);
      expect(err).to.be.instanceOf(Error);
      expect((err as Error).message).to.match(/ssh:recorder: cannot read the state record/);
      const bad = new StateStore(join(dir, 'blocker', 'sub'), () => hostStateBackend(host));
      const werr = await bad.save(state('foo4', 'ssh:b')).catch((e: unknown) => e);
      expect((werr as Error).message).to.match(/^ssh:recorder: cannot write the state record .*blocker\/sub/);
    });

    it('stateStoreFor keeps ssh targets\' records on their host and the others in local files', async () => {
      const remote = new Recorder();
      const store = stateStoreFor(new Map<string, Host>([['ssh:root@b', remote], ['netns:A', new LocalHost()]]), dir);
      await store.save(state('foo4', 'netns:A'));
      expect(remote.calls).to.have.length(0);
      await store.save(state('foo4', 'ssh:root@b'));
      expect(remote.calls).to.have.length(1);
      expect(readdirSync(dir).sort()).to.deep.equal(['foo4@netns_A.json', 'foo4@ssh_root_b.json']);
      expect(await localStateBackend.read(join(dir, 'foo4@ssh_root_b.json'))).to.contain('"target": "ssh:root@b"');
    });
  });
});
