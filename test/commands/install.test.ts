import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { installFiles, installPaths, unitEscape } from '../../src/core/install-files.js';
import { parseTopology } from '../../src/core/topology.js';
import { ROOT } from '../support/fixtures.js';
import { runCli } from '../support/run-cli.js';
import { schemaErrors } from '../support/schema.js';

const SEED = join(ROOT, 'examples', 'seed.yaml');

/** Every file and link under `dir`, relative, sorted: what a command left there. */
async function tree(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      out.push(relative(dir, p) + (e.isDirectory() ? '/' : ''));
      if (e.isDirectory()) await walk(p);
    }
  };
  await walk(dir);
  return out.sort();
}

describe('install / uninstall', () => {
  let tmp = '';
  let root = '';
  beforeEach(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'mplsgre-install-'));
    root = join(tmp, 'root');
    await mkdir(root);
  });
  afterEach(() => rm(tmp, { recursive: true, force: true }));

  const install = (...args: string[]) => runCli(['install', SEED, '--root', root, ...args]);
  const uninstall = (...args: string[]) => runCli(['uninstall', SEED, '--root', root, ...args]);

  it('writes the unit, its enablement, the topology copy, the modules list and the manifest; uninstall removes exactly those', async () => {
    const r = await install('--host', 'A', '--json');
    expect(r.code, r.stderr).to.equal(0);
    expect(await tree(root)).to.deep.equal([
      'etc/', 'etc/modules-load.d/', 'etc/modules-load.d/mplsgre-foo4-A.conf', 'etc/mplsgre/', 'etc/mplsgre/foo4.A.installed.json', 'etc/mplsgre/foo4.A.yaml',
      'etc/systemd/', 'etc/systemd/system/', 'etc/systemd/system/mplsgre-foo4-A.service', 'etc/systemd/system/multi-user.target.wants/',
      'etc/systemd/system/multi-user.target.wants/mplsgre-foo4-A.service',
    ]);
    expect(await readFile(join(root, 'etc/mplsgre/foo4.A.yaml'), 'utf8')).to.equal(await readFile(SEED, 'utf8'));
    const unit = await readFile(join(root, 'etc/systemd/system/mplsgre-foo4-A.service'), 'utf8');
    expect(unit).to.match(/^Type=oneshot$/m).and.match(/^RemainAfterExit=yes$/m).and.match(/^After=network-online\.target/m).and.match(/^Wants=network-online\.target$/m);
    expect(unit).to.not.match(/Before=network\.target/);
    expect(unit).to.match(/^ExecStart=.* "up" "\/etc\/mplsgre\/foo4\.A\.yaml" "--host" "A"$/m).and.match(/^ExecStop=.* "down" "\/etc\/mplsgre\/foo4\.A\.yaml" "--host" "A"$/m);
    // the trap: nothing per interface goes to sysctl.d
    expect((await tree(root)).some((p) => p.includes('sysctl'))).to.equal(false);
    expect(schemaErrors(JSON.parse(r.stdout)), 'install --json against the schema').to.equal(undefined);
    const again = await install('--host', 'A', '--json');
    expect(again.code, again.stderr).to.equal(0);
    expect((JSON.parse(again.stdout) as { result: { files: { action: string }[] } }).result.files.map((f) => f.action)).to.deep.equal(['unchanged', 'unchanged', 'unchanged', 'unchanged']);
    await writeFile(join(root, 'etc/systemd/system/unrelated.service'), '[Unit]\n');
    const u = await uninstall('--host', 'A', '--json');
    expect(u.code, u.stderr).to.equal(0);
    expect(schemaErrors(JSON.parse(u.stdout)), 'uninstall --json against the schema').to.equal(undefined);
    expect(await tree(root)).to.deep.equal(['etc/', 'etc/modules-load.d/', 'etc/systemd/', 'etc/systemd/system/', 'etc/systemd/system/multi-user.target.wants/', 'etc/systemd/system/unrelated.service']);
  });

  it('each written unit passes systemd-analyze verify (the real one; ExecStart names this node and CLI)', async function () {
    this.timeout(60_000);
    expect((await install('--host', 'B')).code).to.equal(0);
    const unit = join(root, 'etc/systemd/system/mplsgre-foo4-B.service');
    const r = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8', timeout: 50_000 });
    expect(r.error, 'systemd-analyze runs').to.equal(undefined);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr.split('\n').filter((l) => l.includes('mplsgre-foo4-B'))).to.deep.equal([]);
    // and it does catch a broken one: the test could fail
    await writeFile(unit, (await readFile(unit, 'utf8')).replace(/^ExecStart="[^"]*"/m, 'ExecStart="/nonexistent/node"'));
    expect(spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8', timeout: 50_000 }).status).to.not.equal(0);
  });

  it('--watch ADDR:PORT: also a watch unit beside the tunnel\'s, enabled, accepted by systemd-analyze verify; uninstall removes it', async function () {
    this.timeout(60_000);
    const r = await install('--host', 'A', '--watch', '0.0.0.0:9478', '--json');
    expect(r.code, r.stderr).to.equal(0);
    expect(schemaErrors(JSON.parse(r.stdout))).to.equal(undefined);
    const all = await tree(root);
    expect(all).to.include.members(['etc/systemd/system/mplsgre-watch-foo4-A.service', 'etc/systemd/system/multi-user.target.wants/mplsgre-watch-foo4-A.service']);
    const unit = join(root, 'etc/systemd/system/mplsgre-watch-foo4-A.service');
    const text = await readFile(unit, 'utf8');
    expect(text).to.match(/^ExecStart=.* "watch" "\/etc\/mplsgre\/foo4\.A\.yaml" "--listen" "0\.0\.0\.0:9478"$/m);
    expect(text).to.match(/^After=mplsgre-foo4-A\.service network-online\.target$/m).and.match(/^Wants=mplsgre-foo4-A\.service /m).and.match(/^KillMode=mixed$/m);
    const v = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8', timeout: 50_000 });
    expect(v.status, v.stderr).to.equal(0);
    expect(v.stderr.split('\n').filter((l) => l.includes('mplsgre-watch-foo4-A'))).to.deep.equal([]);
    // Installing again without --watch would orphan the watch unit: refused, nothing written.
    const again = await install('--host', 'A');
    expect(again.code).to.equal(2);
    expect(again.stderr).to.contain('--watch: the last install also wrote /etc/systemd/system/mplsgre-watch-foo4-A.service');
    expect(await tree(root)).to.deep.equal(all);
    const u = await uninstall('--host', 'A');
    expect(u.code, u.stderr).to.equal(0);
    expect((await tree(root)).filter((p) => p.includes('mplsgre'))).to.deep.equal([]);
  });

  it('--watch that is not ADDR:PORT: exit 2 naming --watch, nothing written', async () => {
    const r = await install('--host', 'A', '--watch', '9478');
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('--watch: must be ADDR:PORT');
    expect(await tree(root)).to.deep.equal([]);
  });

  const refused: [string, () => Promise<{ code: number; stderr: string }>, RegExp][] = [
    ['a host not in the topology', () => install('--host', 'C'), /^mplsgre install: --host: no host "C" in the topology \(hosts: A, B\)/],
    ['no --host', () => install(), /--host: the topology host/],
    ['a --root that is not a directory', () => runCli(['install', SEED, '--host', 'A', '--root', SEED]), /--root: .* is not a directory/],
    ['a --root that does not exist', () => runCli(['install', SEED, '--host', 'A', '--root', '/nonexistent-mplsgre']), /--root: \/nonexistent-mplsgre is not a directory \(absent\)/],
  ];
  for (const [what, run, message] of refused) {
    it(`refuses ${what}: exit 2 naming the field, nothing written`, async () => {
      const r = await run();
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(message);
      expect(await tree(root)).to.deep.equal([]);
    });
  }

  it('refuses a host whose target is ssh: exit 2 naming hosts.B.target, nothing written', async () => {
    const file = join(tmp, 'ssh.yaml');
    await writeFile(file, (await readFile(SEED, 'utf8')).replace('target: netns:B', 'target: ssh:root@b.example'));
    const r = await runCli(['install', file, '--host', 'B', '--root', root]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/hosts\.B\.target: ssh:root@b\.example is another machine/);
    expect(await tree(root)).to.deep.equal([]);
  });

  it('refuses when a unit of that name exists and install did not write it: exit 2 naming it, nothing written', async () => {
    await mkdir(join(root, 'etc/systemd/system'), { recursive: true });
    await writeFile(join(root, 'etc/systemd/system/mplsgre-foo4-A.service'), '[Service]\nExecStart=/bin/true\n');
    const before = await tree(root);
    const r = await install('--host', 'A', '--json');
    expect(r.code).to.equal(2);
    const err = (JSON.parse(r.stdout) as { error: { field: string; message: string } }).error;
    expect(err.field).to.equal('unit');
    expect(err.message).to.match(/mplsgre-foo4-A\.service exists .* not written by mplsgre install \(no manifest lists it\)/);
    expect(await tree(root)).to.deep.equal(before);
    expect(await readFile(join(root, 'etc/systemd/system/mplsgre-foo4-A.service'), 'utf8')).to.equal('[Service]\nExecStart=/bin/true\n');
  });

  it('uninstall leaves a file changed since install, names it, exits 1, and removes it on a later run once restored', async () => {
    expect((await install('--host', 'A')).code).to.equal(0);
    const unit = join(root, 'etc/systemd/system/mplsgre-foo4-A.service');
    const original = await readFile(unit, 'utf8');
    await appendFile(unit, '# local change\n');
    const r = await uninstall('--host', 'A');
    expect(r.code).to.equal(1);
    expect(r.stdout).to.match(/KEPT {6}\/etc\/systemd\/system\/mplsgre-foo4-A\.service {2}\(changed since install/);
    expect(await tree(root)).to.include.members(['etc/systemd/system/mplsgre-foo4-A.service', 'etc/mplsgre/foo4.A.installed.json']);
    expect(await tree(root)).to.not.include('etc/mplsgre/foo4.A.yaml');
    // a re-install over the changed unit is refused too: the manifest no longer vouches for it
    expect((await install('--host', 'A')).code).to.equal(2);
    await writeFile(unit, original);
    expect((await uninstall('--host', 'A')).code).to.equal(0);
    expect((await tree(root)).filter((p) => p.includes('mplsgre'))).to.deep.equal([]);
  });

  it('uninstall with nothing installed changes nothing and says so', async () => {
    const r = await uninstall('--host', 'B');
    expect(r.code).to.equal(0);
    expect(r.stdout).to.match(/nothing installed for foo4 end B/);
    expect(await tree(root)).to.deep.equal([]);
  });

  it('names: tunnel and host parts are systemd-escaped ("-" too), so two ends never share a file', () => {
    expect(unitEscape('foo-4')).to.equal('foo\\x2d4');
    expect(installPaths('a-b', 'c').unitName).to.not.equal(installPaths('a', 'b-c').unitName);
    const t = parseTopology((SEED_TEXT));
    const word = installFiles(t, 'A', SEED_TEXT, ['/opt/my node/node', '/x/%h/$HOME"q'])[2]!;
    expect(word.kind === 'file' && word.content).to.match(/^ExecStart="\/opt\/my node\/node" "\/x\/%%h\/\$\$HOME\\"q" "up"/m);
  });
});

const SEED_TEXT = 'tunnel: { name: foo4, overlay: 10.199.0.0/24 }\nhosts:\n  A: { target: netns:A, underlay: 10.128.0.2, overlay: 10.199.0.1, label: 100 }\n  B: { target: netns:B, underlay: 10.128.100.2, overlay: 10.199.0.2, label: 101 }\n';
