import { expect } from 'chai';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkCommand } from '../../src/commands/check.js';
import { parseInventory, type FleetReport } from '../../src/commands/fleet.js';
import { UsageError } from '../../src/core/errors.js';
import { LocalHost } from '../../src/host/local.js';
import { runCli } from '../support/run-cli.js';
import { createSshLab, type SshLab } from '../support/sshd.js';

function usageField(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof UsageError) return err.field;
    throw err;
  }
  return undefined;
}

describe('mplsgre fleet', () => {
  describe('inventory', () => {
    it('reads YAML with per-host iface and labels', () => {
      const e = parseInventory('hosts:\n  - target: ssh:root@a.example:2222\n    iface: foo4\n    labels: [100, 101]\n  - { target: "ssh:[fd00::2]" }\n', 'inv.yaml');
      expect(e).to.have.length(2);
      expect(e[0]).to.deep.include({ target: { kind: 'ssh', user: 'root', host: 'a.example', port: 2222 }, iface: 'foo4', labels: [100, 101], where: 'hosts[0]' });
      expect(e[1]!.target).to.deep.equal({ kind: 'ssh', host: 'fd00::2' });
    });
    it('reads a plain list with comments, with or without ssh:', () => {
      const e = parseInventory('# fleet\nroot@h1\n\nssh:h2:2200   # second\n  10.0.0.3\n', 'hosts.txt');
      expect(e.map((x) => [x.where, x.target])).to.deep.equal([
        ['line 2', { kind: 'ssh', user: 'root', host: 'h1' }],
        ['line 4', { kind: 'ssh', host: 'h2', port: 2200 }],
        ['line 5', { kind: 'ssh', host: '10.0.0.3' }],
      ]);
    });
    const BAD: [string, string][] = [
      ['hosts:\n  - target: ssh:a\n  - target: ssh:b\n  - target: ssh:c\n  - target: ssh:-oProxyCommand=x\n', 'hosts[3].target'],
      ['hosts:\n  - target: ssh:a\n    labels: 15\n', 'hosts[0].labels'],
      ['hosts:\n  - target: ssh:a\n    iface: "a b"\n', 'hosts[0].iface'],
      ['hosts:\n  - target: ssh:a\n    colour: red\n', 'hosts[0].colour'],
      ['hosts:\n  - ssh:a\n', 'hosts[0]'],
      ['hosts:\n  - target: ssh:a\n  - target: ssh:a\n', 'hosts[1].target'],
      ['hosts: ssh:a\n', 'hosts'],
      ['hosts: []\n', 'INVENTORY'],
      ['a\nb c\n', 'line 2'],
      ['a\n\n-oProxyCommand=x\n', 'line 3'],
      ['a\nb:70000\n', 'line 2'],
      ['a\nroot@a\nroot@a\n', 'line 3'],
      ['# nothing\n', 'INVENTORY'],
    ];
    for (const [text, field] of BAD) {
      it(`refuses ${JSON.stringify(text)} naming ${field}`, () => {
        expect(usageField(() => parseInventory(text, 'inv'))).to.equal(field);
      });
    }
  });

  describe('CLI usage errors (exit 2)', () => {
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'mplsgre-fleet-'));
      await writeFile(join(dir, 'ok.txt'), 'root@h1\n');
      await writeFile(join(dir, 'bad.yaml'), 'hosts:\n  - target: ssh:a\n  - target: nope\n');
    });
    after(() => rm(dir, { recursive: true, force: true }));
    const cases = (): [string[], string][] => [
      [[], 'INVENTORY'],
      [[join(dir, 'missing.txt')], 'INVENTORY'],
      [[join(dir, 'bad.yaml')], 'hosts[1].target'],
      [[join(dir, 'ok.txt'), '--concurrency', '0'], '--concurrency'],
      [[join(dir, 'ok.txt'), '--timeout', '1.5'], '--timeout'],
      [[join(dir, 'ok.txt'), '--labels', '5'], '--labels'],
      [[join(dir, 'ok.txt'), '--ssh-config', join(dir, 'nope')], '--ssh-config'],
    ];
    it('each names its field and touches no host', async () => {
      for (const [args, field] of cases()) {
        const r = await runCli(['fleet', ...args, '--json']);
        expect(r.code, args.join(' ')).to.equal(2);
        expect((JSON.parse(r.stdout) as { error: { field: string } }).error.field, args.join(' ')).to.equal(field);
      }
    });
  });

  describe('against real sshd servers: 3 reachable, 1 unreachable, 1 slow', function () {
    this.timeout(120_000);
    let lab: SshLab | undefined;
    let dir: string;
    let inventory: string;
    let targets: { ok: string[]; dead: string; slow: string };
    // Slower than a normal host's whole check (~1 s), and than the 3 s bound of `ip -V` (tools.ts).
    const SLOW_S = 4;
    before(async () => {
      lab = await createSshLab();
      const ok = [];
      for (const port of [2201, 2202, 2203]) ok.push((await lab.addServer(port)).target);
      const slow = (await lab.addServer(2204, { delayS: SLOW_S })).target;
      const dead = `ssh:root@${lab.deadAddress}:2201`;
      targets = { ok, dead, slow };
      dir = await mkdtemp(join(tmpdir(), 'mplsgre-fleet-'));
      inventory = join(dir, 'fleet.yaml');
      await writeFile(inventory, `hosts:\n${[...ok, dead, slow].map((t) => `  - target: ${t}\n`).join('')}`);
    });
    after(async () => {
      await lab?.cleanup();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    const run = async (extra: string[]): Promise<{ code: number; report: FleetReport; stdout: string }> => {
      const r = await runCli(['fleet', inventory, '--ssh-config', lab!.clientConfig, '--iface', 'foo4', '--labels', '100,101', ...extra]);
      const json = extra.includes('--json');
      return { code: r.code, stdout: r.stdout, report: json ? (JSON.parse(r.stdout) as { result: FleetReport }).result : (undefined as unknown as FleetReport) };
    };

    it('reports every host; the unreachable one with its error; exit 3 (wins over 1); verdicts equal a local check', async () => {
      const [{ code, report }, local] = await Promise.all([
        run(['--json', '--timeout', '60']),
        checkCommand({ host: new LocalHost(), labels: [100, 101], iface: 'foo4', ignore: [], failOn: 'fail' }),
      ]);
      expect(code).to.equal(3);
      expect(report.hosts.map((h) => h.target)).to.deep.equal([...targets.ok, targets.dead, targets.slow]);
      const dead = report.hosts[3]!;
      expect(dead.reachable).to.equal(false);
      expect(!dead.reachable && dead.error).to.match(/Connection refused/);
      for (const h of report.hosts.slice(0, 3)) {
        expect(h.reachable, h.target).to.equal(true);
        if (!h.reachable) continue;
        expect(h.checks.map((c) => [c.id, c.status])).to.deep.equal(local.checks.map((c) => [c.id, c.status]));
        expect(h.ready).to.equal(local.ready);
      }
      // The slow host completes within --timeout 60 (its 3 s-bounded tool probes may time out).
      const slow = report.hosts[4]!;
      expect(slow.reachable).to.equal(true);
      expect(slow.reachable && slow.checks).to.have.length(local.checks.length);
      expect(slow.durationMs).to.be.at.least(SLOW_S * 1000);
      expect(report.summary.unreachable).to.equal(1);
      expect(report.summary.hosts).to.equal(5);
    });

    it('a host slower than --timeout is reported timed out, listed, exit 3', async () => {
      const { code, report } = await run(['--json', '--timeout', '3', '--concurrency', '2']);
      expect(code).to.equal(3);
      const slow = report.hosts[4]!;
      expect(slow).to.include({ target: targets.slow, reachable: false, timedOut: true });
      expect(slow.durationMs).to.be.below(SLOW_S * 1000);
      expect(report.hosts.slice(0, 3).every((h) => h.reachable)).to.equal(true);
    });

    it('the table lists unreachable and failing hosts first; --report writes one report per host', async () => {
      const cwd = process.cwd();
      process.chdir(dir);
      try {
        const { code, stdout } = await run(['--timeout', '3', '--report']);
        expect(code).to.equal(3);
        const rows = stdout.split('\n');
        expect(rows[0]).to.match(/^TARGET\s+READY\s+version\s+mpls_router/);
        expect(rows[1]).to.contain(targets.dead).and.to.contain('unreachable');
        expect(rows[2]).to.contain(targets.slow).and.to.contain('timed out');
        expect(stdout).to.match(/5 hosts: .* 2 unreachable or timed out/);
        const [sub] = await readdir(join(dir, 'reports'));
        const files = await readdir(join(dir, 'reports', sub!));
        expect(files.filter((f) => f.endsWith('.json'))).to.have.length(5);
        expect(files.filter((f) => f.endsWith('.md'))).to.have.length(3);
      } finally {
        process.chdir(cwd);
      }
    });
  });
});
