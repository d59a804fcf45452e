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
import { replayFleet, UNREACHABLE_ERROR } from '../support/replay-fleet.js';
import { fleetCommand, type FleetHost } from '../../src/commands/fleet.js';
import { fleetRenderers } from '../../src/cli/fleet.js';
import { loadTables } from '../../src/report/table.js';
import { parseProm } from '../report/support/prom.js';
import { elements, parseXml, textOf } from '../report/support/xml.js';
import { main } from '../../src/cli.js';
import { schemaErrors } from '../support/schema.js';
import { Writable } from 'node:stream';
import { readFile } from 'node:fs/promises';

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

  describe('every format, over 14 hosts replaying recorded facts (every 5th unreachable)', () => {
    let report: FleetReport;
    let render: ReturnType<typeof fleetRenderers>;
    /** 0 unreachable, 1 not ready, 2 ready: the order every format lists hosts in. */
    const rank = (h: FleetHost): number => (!h.reachable ? 0 : h.ready ? 2 : 1);
    const byTarget = (): Map<string, FleetHost> => new Map(report.hosts.map((h) => [h.target, h]));
    before(async () => {
      await loadTables();
      const fleet = replayFleet(14, { unreachableEvery: 5 });
      report = await fleetCommand({ entries: fleet.entries, connect: fleet.connect, concurrency: 4, timeoutMs: 60_000, labels: [], failOn: 'fail' });
      render = fleetRenderers(report);
    });

    it('the engine lists every host in inventory order, the unreachable ones with their error', () => {
      expect(report.hosts).to.have.length(14);
      expect(report.summary).to.include({ hosts: 14, unreachable: 2 });
      expect(report.summary.ready, 'uml-seed is ready, the others not').to.be.greaterThan(0).and.below(12);
      expect(report.hosts.filter((h) => !h.reachable).map((h) => h.target)).to.deep.equal(['ssh:root@h4.lost.test', 'ssh:root@h9.lost.test']);
      for (const h of report.hosts) if (!h.reachable) expect(h.error).to.equal(UNREACHABLE_ERROR);
    });

    it('table and md: unreachable hosts first, then not ready, then ready', () => {
      const hosts = byTarget();
      const tableRows = render.table!({ color: false }).split('\n').slice(1).filter((l) => l.startsWith('ssh:'));
      const mdRows = render.md!({ color: false }).split('\n').filter((l) => l.startsWith('| ssh:'));
      for (const rows of [tableRows, mdRows]) {
        expect(rows).to.have.length(14);
        const ranks = rows.map((l) => rank(hosts.get(/ssh:\S+?\.test/.exec(l)![0])!));
        expect(ranks).to.deep.equal([...ranks].sort());
        expect(ranks[0]).to.equal(0);
      }
      expect(render.md!({ color: false })).to.match(/## Fixes\n\n### ssh:root@h\d+\.\S+ \(.*\): Not ready: /);
    });

    it('html: unreachable rows lead the matrix with their error; both filters are there', () => {
      const html = render.html!({ color: false });
      const rows = html.split('\n').filter((l) => /^<tr class="(unreachable|ready|not-ready)/.test(l));
      expect(rows).to.have.length(14);
      expect(rows.slice(0, 2).every((r) => r.startsWith('<tr class="unreachable">') && r.includes(UNREACHABLE_ERROR))).to.equal(true);
      expect(rows.slice(2).some((r) => r.startsWith('<tr class="unreachable"'))).to.equal(false);
      expect(html).to.include(`<h1>${report.summary.ready} of 14 hosts ready</h1>`);
      expect(html).to.include('<input type="checkbox" id="failing-only">').and.include('<input type="checkbox" id="unreachable-only">');
    });

    it('junit: one testsuite per host; an unreachable host is an error, the sums agree', () => {
      const root = parseXml(render.junit!({ color: false }));
      const suites = elements(root, 'testsuite');
      expect(suites).to.have.length(14);
      expect(root.attrs.errors).to.equal('2');
      const lost = suites.filter((s) => s.attrs.errors === '1');
      expect(lost.map((s) => s.attrs.hostname)).to.deep.equal(['ssh:root@h4.lost.test', 'ssh:root@h9.lost.test']);
      const error = elements(elements(lost[0]!, 'testcase')[0]!, 'error')[0]!;
      expect(textOf(error)).to.equal(UNREACHABLE_ERROR);
      expect(Number(root.attrs.tests)).to.equal(suites.reduce((n, s) => n + Number(s.attrs.tests), 0));
      expect(Number(root.attrs.failures)).to.equal(suites.reduce((n, s) => n + Number(s.attrs.failures), 0));
    });

    it('prom: mplsgre_host_reachable for every target; nothing else about an unreachable one', () => {
      const samples = parseProm(render.prom!({ color: false }));
      const reach = samples.filter((x) => x.name === 'mplsgre_host_reachable');
      expect(reach).to.have.length(14);
      for (const h of report.hosts) {
        expect(reach.find((x) => x.labels.target === h.target)?.value, h.target).to.equal(h.reachable ? 1 : 0);
        const others = samples.filter((x) => x.name !== 'mplsgre_host_reachable' && x.labels.target === h.target);
        if (h.reachable) expect(others.find((x) => x.name === 'mplsgre_ready')?.value).to.equal(h.ready ? 1 : 0);
        else expect(others).to.deep.equal([]);
      }
    });

    it('ndjson: one line per host, then the summary without the hosts', () => {
      const lines = render.ndjson!({ color: false }).trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines).to.have.length(15);
      expect(lines.slice(0, 14).map((l) => [l.type, l.target])).to.deep.equal(report.hosts.map((h) => ['host', h.target]));
      expect(lines[14]).to.deep.include({ type: 'summary', summary: report.summary, exitCode: 3 });
      expect(lines[14]).not.to.have.property('hosts');
    });
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
    /** The reachable and the refused hosts, without the slow one. */
    let quick: string;
    let targets: { ok: string[]; dead: string; slow: string };
    // Slower than a normal host's whole check (~1 s), than the 3 s bound of `ip -V` (tools.ts), and
    // alone above TIMEOUT_S: the host's one remote command sleeps it (the reachability probe runs none).
    const SLOW_S = 12;
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
      quick = join(dir, 'quick.txt');
      await writeFile(quick, [...ok, dead].join('\n') + '\n');
    });
    after(async () => {
      await lab?.cleanup();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    const run = async (extra: string[]): Promise<{ code: number; report: FleetReport; stdout: string }> => {
      const r = await runCli(['fleet', inventory, '--ssh-config', lab!.clientConfig, '--iface', 'foo4', '--labels', '100,101', ...extra]);
      const json = extra.includes('--json');
      if (json) expect(schemaErrors(JSON.parse(r.stdout)), 'fleet --json against the schema').to.equal(undefined);
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

    // Above a normal host's check on this loaded 2-core machine (2-3 s, up to 6 s at load 15), below
    // the slow host's: its batched read sleeps SLOW_S before it starts.
    const TIMEOUT_S = '10';
    it('a host slower than --timeout is reported timed out, listed, exit 3', async () => {
      const { code, report } = await run(['--json', '--timeout', TIMEOUT_S, '--concurrency', '2']);
      expect(code).to.equal(3);
      const slow = report.hosts[4]!;
      expect(slow).to.include({ target: targets.slow, reachable: false, timedOut: true });
      expect(!slow.reachable && slow.error).to.contain('--timeout');
      expect(report.hosts.slice(0, 3).every((h) => h.reachable)).to.equal(true);
    });

    it('--format ndjson streams: one write per host as it finishes (the refused one first), then the summary; progress on a terminal stderr', async () => {
      const writes: string[] = [];
      let progress = '';
      const sink = new Writable({ write(chunk, _e, cb) { writes.push(String(chunk)); cb(); } });
      // stderr a terminal: progress lines there, one per host as it finishes.
      const tty = Object.assign(new Writable({ write(chunk, _e, cb) { progress += String(chunk); cb(); } }), { isTTY: true });
      const code = await main(['fleet', quick, '--ssh-config', lab!.clientConfig, '--timeout', '60', '--format', 'ndjson'], { stdout: sink, stderr: tty });
      expect(code).to.equal(3);
      expect(writes).to.have.length(5);
      const lines = writes.map((w) => JSON.parse(w) as { type: string; target?: string; reachable?: boolean });
      expect(lines.slice(0, 4).map((l) => l.type)).to.deep.equal(['host', 'host', 'host', 'host']);
      expect(lines[0], 'connection refused ends first').to.include({ target: targets.dead, reachable: false });
      expect(lines.slice(1, 4).map((l) => [l.target, l.reachable]).sort()).to.deep.equal(targets.ok.map((t) => [t, true]).sort());
      expect(lines[4]).to.include({ type: 'summary', exitCode: 3 });
      const steps = progress.trimEnd().split('\n');
      expect(steps.map((l) => /^\[(\d)\/4\] /.exec(l)?.[1])).to.deep.equal(['1', '2', '3', '4']);
      expect(steps[0]).to.contain(`${targets.dead}: unreachable`);
    });

    it('--format prom and junit --out FILE: written whole (no temporary file left), unreachable hosts listed; md and html on stdout', async () => {
      const out = join(dir, 'out');
      await rm(out, { recursive: true, force: true });
      const { mkdir } = await import('node:fs/promises');
      await mkdir(out);
      const cli = (args: string[]): ReturnType<typeof runCli> => runCli(['fleet', quick, '--ssh-config', lab!.clientConfig, '--timeout', '60', ...args]);
      const [prom, junit] = [await cli(['--format', 'prom', '--out', join(out, 'mplsgre.prom')]), await cli(['--format', 'junit', '--out', join(out, 'fleet.xml')])];
      for (const r of [prom, junit]) expect([r.code, r.stdout], r.stderr).to.deep.equal([3, '']);
      expect((await readdir(out)).sort()).to.deep.equal(['fleet.xml', 'mplsgre.prom']);
      const samples = parseProm(await readFile(join(out, 'mplsgre.prom'), 'utf8'));
      const reach = Object.fromEntries(samples.filter((x) => x.name === 'mplsgre_host_reachable').map((x) => [x.labels.target!, x.value]));
      expect(reach).to.deep.equal({ [targets.ok[0]!]: 1, [targets.ok[1]!]: 1, [targets.ok[2]!]: 1, [targets.dead]: 0 });
      expect(parseXml(await readFile(join(out, 'fleet.xml'), 'utf8')).attrs.errors).to.equal('1');
      for (const [format, first] of [['md', /^# MPLS over GRE readiness: fleet\n/], ['html', /^<!DOCTYPE html>\n[\s\S]*<tr class="unreachable"><th>/]] as const) {
        const r = await cli(['--format', format]);
        expect(r.code, `${format}: ${r.stderr}`).to.equal(3);
        expect(r.stdout, format).to.match(first).and.to.contain(targets.dead);
      }
    });

    it('the table lists unreachable and failing hosts first; --report writes one report per host', async () => {
      const cwd = process.cwd();
      process.chdir(dir);
      try {
        const { code, stdout } = await run(['--timeout', TIMEOUT_S, '--report']);
        expect(code).to.equal(3);
        const rows = stdout.split('\n');
        expect(rows[0]).to.match(/^TARGET\s+READY\s+version\s+mpls_router/);
        expect(rows[1]).to.contain(targets.dead).and.to.contain('unreachable');
        expect(rows[2]).to.contain(targets.slow).and.to.contain('timed out');
        expect(stdout).to.match(/5 hosts: .* 2 unreachable or timed out/);
        const [sub] = await readdir(join(dir, 'reports'));
        const files = await readdir(join(dir, 'reports', sub!));
        expect(files.filter((f) => f.endsWith('.json'))).to.have.length(5);
        for (const f of files.filter((x) => x.endsWith('.json'))) {
          const doc = JSON.parse(await readFile(join(dir, 'reports', sub!, f), 'utf8')) as { result: unknown; error: { code: string; exitCode: number } | null };
          expect(schemaErrors(doc), f).to.equal(undefined);
          // A host not checked has an error document (exit 3), never a made-up report.
          if (doc.result === null) expect(doc.error).to.include({ code: 'environment', exitCode: 3 });
        }
        expect(files.filter((f) => f.endsWith('.json')).length - files.filter((f) => f.endsWith('.md')).length, 'one per unchecked host').to.equal(2);
        expect(files.filter((f) => f.endsWith('.md'))).to.have.length(3);
      } finally {
        process.chdir(cwd);
      }
    });
  });
});
