import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CHECKS } from '../../checks/index.js';
import { ROOT } from '../support/fixtures.js';
import { runCli } from '../support/run-cli.js';

const BAD: [string[], string][] = [
  [['--iface', 'sixteen-bytes-xx'], '--iface'],
  [['--iface', 'a/b'], '--iface'],
  [['--iface', 'a b'], '--iface'],
  [['--iface', ''], '--iface'],
  [['--labels', '15'], '--labels'],
  [['--labels', '1048576'], '--labels'],
  [['--labels', '100,abc'], '--labels'],
  [['--labels', '-1'], '--labels'],
  [['--labels', '1e3'], '--labels'],
  [['--netns', '../x'], '--netns'],
  [['--netns', 'a/b'], '--netns'],
  [['--kernel-config', '/nonexistent/config'], '--kernel-config'],
  [['--format', 'xml'], '--format'],
  [['--fail-on', 'maybe'], '--fail-on'],
  [['--ignore', 'kernel.nope'], '--ignore'],
  [['--bogus'], '--bogus'],
  [['--iface'], '--iface'],
];

describe('mplsgre check (CLI)', () => {
  describe(`bad input: ${BAD.length} cases, each exit 2 naming the field`, () => {
    for (const [args, field] of BAD) {
      it(`${JSON.stringify(args)} -> ${field}`, async () => {
        const r = await runCli(['check', ...args, '--json']);
        expect(r.code).to.equal(2);
        const doc = JSON.parse(r.stdout) as { error: { field: string; code: string }; result: unknown };
        expect(doc.error.field).to.equal(field);
        expect(doc.error.code).to.equal('usage');
        expect(doc.result).to.equal(null);
        const plain = await runCli(['check', ...args]);
        expect(plain.code).to.equal(2);
        expect(plain.stdout).to.equal('');
        expect(plain.stderr).to.contain(field);
      });
    }
  });

  it('--json prints exactly one document with the schema fields', async () => {
    const r = await runCli(['check', '--iface', 'foo4', '--labels', '100,101', '--json']);
    const doc = JSON.parse(r.stdout) as { schemaVersion: number; command: string; error: null; result: { checks: { id: string; status: string; summary: string; evidence: unknown[]; remediation?: string }[]; ready: boolean } };
    expect(doc.schemaVersion).to.equal(1);
    expect(doc.command).to.equal('check');
    expect(doc.error).to.equal(null);
    expect(doc.result.checks.map((c) => c.id)).to.deep.equal(CHECKS.map((c) => c.id));
    for (const c of doc.result.checks) expect(c).to.include.keys('id', 'status', 'summary', 'evidence');
    expect(r.code).to.equal(doc.result.ready ? 0 : 1);
    expect(r.stderr).to.equal('');
  });

  it('--ignore removes checks; --fail-on warn turns warnings into failure', async () => {
    const all = JSON.parse((await runCli(['check', '--json'])).stdout) as { result: { checks: { id: string; status: string }[] } };
    const ids = all.result.checks.map((c) => c.id);
    const r = await runCli(['check', '--json', '--ignore', ids.join(',')]);
    expect(r.code).to.equal(0);
    expect((JSON.parse(r.stdout) as { result: { checks: unknown[] } }).result.checks).to.have.length(0);
    const warnOnly = all.result.checks.filter((c) => c.status === 'warn').map((c) => c.id);
    const others = ids.filter((id) => !warnOnly.includes(id));
    if (warnOnly.length) {
      const lenient = await runCli(['check', '--json', '--ignore', others.join(',')]);
      const strict = await runCli(['check', '--json', '--ignore', others.join(','), '--fail-on', 'warn']);
      expect([lenient.code, strict.code]).to.deep.equal([0, 1]);
    } else {
      expect(warnOnly, 'this host has no warnings to turn into failures').to.have.length(0);
    }
  });

  it('--format md and --out FILE write the report atomically, nothing on stdout', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mplsgre-test-'));
    try {
      const out = join(dir, 'r.md');
      const r = await runCli(['check', '--format', 'md', '--out', out]);
      expect(r.stdout).to.equal('');
      const md = await readFile(out, 'utf8');
      expect(md).to.match(/^# MPLS over GRE readiness/);
      expect(md).to.contain('| `kernel.mpls_router` |');
      expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).to.deep.equal([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the installed entry point runs the bundle and sets the exit code', async () => {
    const run = promisify(execFile);
    const r = await run(process.execPath, [join(ROOT, 'bin', 'mplsgre.js'), 'check', '--json']).catch((e: { code: number; stdout: string }) => e);
    const code = 'code' in r ? r.code : 0;
    const doc = JSON.parse(r.stdout) as { result: { ready: boolean } };
    expect(code).to.equal(doc.result.ready ? 0 : 1);
    const usage = await run(process.execPath, [join(ROOT, 'bin', 'mplsgre.js'), 'check', '--labels', '3']).catch((e: { code: number; stderr: string }) => e);
    expect('code' in usage && usage.code).to.equal(2);
  });
});
