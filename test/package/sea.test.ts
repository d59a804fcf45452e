import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ROOT } from '../support/fixtures.js';
import { schemaErrors } from '../support/schema.js';
import { nodelessHost, nodeRunsIn, type NodelessHost } from '../support/sea.js';

/** The bundled CLI under this Node with the same PATH, for comparison. */
function bundled(args: string[], path: string, cwd: string): { code: number | null; stdout: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'mplsgre.js'), ...args], { cwd, encoding: 'utf8', timeout: 30_000, env: { PATH: path, LANG: 'C.UTF-8' } });
  return { code: r.status, stdout: r.stdout };
}

const CAPTURE = join(ROOT, 'test', 'fixtures', 'captures', 'gre-foo4-sll.pcap');
const SEED = join(ROOT, 'examples', 'seed.yaml');

describe('single executable (npm run package): runs every command with no node', function () {
  this.timeout(180_000);
  let host: NodelessHost;
  before(async () => {
    host = await nodelessHost();
  });
  after(() => host?.dispose());

  it('is one file outside the repository, and node cannot run where it runs', () => {
    expect(host.exe.startsWith(ROOT)).to.equal(false);
    const node = nodeRunsIn(host);
    expect(node.code, 'node --version in the namespace').to.not.equal(0);
    expect(node.stdout).to.equal('');
  });

  it('--version prints the package version from its own assets', async () => {
    const r = await host.run(['--version']);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(r.stderr).to.equal('');
    expect(r.stdout).to.equal(`mplsgre ${pkg.version}\n`);
    expect(r.code).to.equal(0);
  });

  it('check --json: a document valid against the schema, the same checks and verdicts as the bundled CLI', async () => {
    const r = await host.run(['check', '--json']);
    const doc = JSON.parse(r.stdout) as { command: string; result: { checks: { id: string; status: string }[] } };
    expect(schemaErrors(doc), 'check --json against the schema').to.equal(undefined);
    expect(doc.command).to.equal('check');
    const node = bundled(['check', '--json'], host.path, host.dir);
    const verdicts = (d: typeof doc): string[] => d.result.checks.map((c) => `${c.id}=${c.status}`);
    expect(verdicts(doc)).to.deep.equal(verdicts(JSON.parse(node.stdout) as typeof doc));
    expect(r.code).to.equal(node.code);
  });

  it('plan examples/seed.yaml from another folder prints what the bundled CLI prints', async () => {
    const r = await host.run(['plan', SEED]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^Plan: gre tunnel foo4/);
    expect(r.stdout).to.equal(bundled(['plan', SEED], host.path, host.dir).stdout);
  });

  it('capture decode of a recorded capture: the labels the bundled CLI finds', async () => {
    const r = await host.run(['capture', 'decode', CAPTURE, '--json']);
    expect(r.code, r.stderr).to.equal(0);
    const doc = JSON.parse(r.stdout) as { command: string };
    expect(schemaErrors(doc)).to.equal(undefined);
    expect(r.stdout).to.equal(bundled(['capture', 'decode', CAPTURE, '--json'], host.path, host.dir).stdout);
  });

  it('bad input still exits 2 naming the field, environment errors 3', async () => {
    const bad = await host.run(['plan', SEED, '--format', 'nope']);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.contain('--format');
  });

  it('lab without privileges: the embedded seed is read, then exit 3 naming the capability; its copy is removed', async () => {
    const tmp = join(host.dir, 'tmp');
    await mkdir(tmp, { mode: 0o1777 });
    await chmod(tmp, 0o1777);
    const r = await host.run(['lab'], { uid: 65534, env: { TMPDIR: tmp } });
    expect(r.stderr).to.match(/lab needs CAP_NET_ADMIN/);
    expect(r.code).to.equal(3);
    expect(await readdir(tmp)).to.deep.equal([]);
    const missing = await host.run(['lab', join(host.dir, 'no-such.yaml')], { uid: 65534, env: { TMPDIR: tmp } });
    expect(missing.code, missing.stderr).to.equal(2);
  });

  it('--uml-guest JOB (what its user-mode Linux guest runs): a command-line job runs with its status, a module job is refused', async () => {
    const job = join(host.dir, 'job.json');
    await writeFile(job, JSON.stringify({ kind: 'argv', argv: [host.exe, 'plan', SEED, '--format', 'nope'] }));
    const r = await host.run(['--uml-guest', job]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('--format');
    await writeFile(job, JSON.stringify({ kind: 'module', module: '/x.js', export: 'run', input: null }));
    const mod = await host.run(['--uml-guest', job]);
    expect(mod.code).to.equal(2);
    expect(mod.stderr).to.contain('command-line jobs only');
  });
});
