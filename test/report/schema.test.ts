import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonDocument } from '../../src/cli/io.js';
import { fleetCommand } from '../../src/commands/fleet.js';
import { CAUSE_IDS } from '../../src/causes/ids.js';
import { loadTranscript, replayDiagnosis, transcriptNames } from '../diagnose/fixtures.js';
import { ROOT } from '../support/fixtures.js';
import { replayFleet } from '../support/replay-fleet.js';
import { runCli } from '../support/run-cli.js';
import { ajv, schema, schemaErrors } from '../support/schema.js';
import { allRecordedReports } from './support/reports.js';

function expectValid(text: string, what: string): Record<string, unknown> {
  const doc = JSON.parse(text) as Record<string, unknown>;
  expect(schemaErrors(doc), what).to.equal(undefined);
  return doc;
}

function expectInvalid(doc: unknown, what: string): void {
  expect(schemaErrors(doc), what).to.be.a('string');
}

describe('JSON Schema of the --json document (schema/mplsgre.schema.json)', () => {
  it('is a valid draft 2020-12 schema (ajv strict mode compiles it)', () => {
    expect((schema as { $schema: string }).$schema).to.equal('https://json-schema.org/draft/2020-12/schema');
    expect(ajv.validateSchema(schema)).to.be.true;
  });

  it('check --json on this machine', async () => {
    const r = await runCli(['check', '--json', '--iface', 'foo4', '--labels', '100,101']);
    expect(r.code, r.stderr).to.be.oneOf([0, 1]);
    const doc = expectValid(r.stdout, 'check --json');
    expect(doc.command).to.equal('check');
  });

  it('check results from every recorded fact fixture', async () => {
    for (const { name, report } of await allRecordedReports()) expectValid(jsonDocument('check', report, null), name);
  });

  it('plan --json examples/seed.yaml', async () => {
    const r = await runCli(['plan', '--json', join(ROOT, 'examples', 'seed.yaml')]);
    expect(r.code, r.stderr).to.equal(0);
    expectValid(r.stdout, 'plan');
  });

  it('capture decode --json on recorded captures (pcap, pcapng, tcpdump text)', async () => {
    for (const f of ['gre-veth.pcap', 'gre-merged.pcapng', 'gre-veth.v.txt', 'mix-veth.pcap', 'gre-veth-snap60.pcap']) {
      const r = await runCli(['capture', 'decode', '--json', join(ROOT, 'test', 'fixtures', 'captures', f)]);
      expect(r.code, r.stderr).to.equal(0);
      expectValid(r.stdout, f);
    }
  });

  it('capture decode --json on a recorded transfer through the tunnel: its TCP segments inside GRE and MPLS', async () => {
    const r = await runCli(['capture', 'decode', '--json', join(ROOT, 'test', 'fixtures', 'tcp', 'crossing', 'A.pcap')]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.contain('"tcp": {');
    expectValid(r.stdout, 'tcp crossing');
  });

  it('lab, and its verify, up and down results, from a recorded lab run', () => {
    const text = readFileSync(join(ROOT, 'test', 'report', 'fixtures', 'lab-uml.json'), 'utf8');
    const lab = expectValid(text, 'lab').result as Record<string, unknown>;
    for (const command of ['verify', 'up', 'down']) {
      expect(lab[command], command).to.be.an('object');
      expectValid(jsonDocument(command, lab[command], null), command);
    }
  });

  it('diagnose --json on this machine: a known message with its command, and an unknown one (check follows)', async () => {
    const known = await runCli(['diagnose', '--json', 'RTNETLINK answers: Operation not supported', '--command', 'ip -f mpls route add 100 dev lo']);
    expect(known.code, known.stderr).to.be.oneOf([0, 1]);
    const k = expectValid(known.stdout, 'diagnose known').result as { findings: { known: string | null }[] };
    expect(k.findings[0]!.known).to.be.a('string');
    const unknown = await runCli(['diagnose', '--json', 'something mplsgre never saw']);
    expect(unknown.code, unknown.stderr).to.be.oneOf([0, 1]);
    const u = expectValid(unknown.stdout, 'diagnose unknown').result as { unknown: number; check?: unknown };
    expect(u.unknown).to.equal(1);
    expect(u.check).to.be.an('object');
  });

  it('diagnose results of every transcript recorded in user-mode Linux', async () => {
    const names = transcriptNames();
    expect(names.length).to.be.greaterThan(40);
    for (const name of names) {
      const fx = loadTranscript(name);
      if (fx.expect === null) continue;
      const { report } = await replayDiagnosis(fx);
      expectValid(jsonDocument('diagnose', report, null), name);
    }
  });

  it('fleet --json via the CLI: an unreachable target (exit 3), listed with its error', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mplsgre-schema-'));
    try {
      await writeFile(join(dir, 'hosts.txt'), 'ssh:root@127.0.0.1:1\n');
      const r = await runCli(['fleet', '--json', join(dir, 'hosts.txt'), '--timeout', '30']);
      expect(r.code, r.stderr).to.equal(3);
      const doc = expectValid(r.stdout, 'fleet unreachable').result as { hosts: { reachable: boolean; error?: string }[] };
      expect(doc.hosts).to.have.length(1);
      expect(doc.hosts[0]).to.include({ reachable: false });
      expect(doc.hosts[0]!.error).to.match(/refused/i);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fleet results over hosts replaying every recorded fact fixture (some unreachable)', async () => {
    const fleet = replayFleet(12, { unreachableEvery: 4 });
    const report = await fleetCommand({ entries: fleet.entries, connect: fleet.connect, concurrency: 4, timeoutMs: 60_000, labels: [], failOn: 'fail' });
    expect(report.summary.unreachable).to.equal(3);
    expectValid(jsonDocument('fleet', report, null), 'fleet');
    const bad = (f: (h: Record<string, unknown>[]) => void): unknown => {
      const d = JSON.parse(jsonDocument('fleet', report, null)) as { result: { hosts: Record<string, unknown>[] } };
      f(d.result.hosts);
      return d;
    };
    expectInvalid(bad((h) => delete h[0]!.checks), 'a checked host without checks');
    expectInvalid(bad((h) => delete h[3]!.error), 'an unreachable host without its error');
    expectInvalid(bad((h) => (h[3]!.checks = [])), 'an unreachable host with checks');
    expectInvalid(bad((h) => (h[0]!.reachable = 'yes')), 'reachable not a boolean');
  });

  it('the diagnose cause ids are the knowledge base\'s, and unknown ones are refused', async () => {
    expect(((schema.$defs as Record<string, { enum: string[] }>).causeId!).enum).to.deep.equal([...CAUSE_IDS]);
    const name = transcriptNames().find((n) => loadTranscript(n).expect !== null)!;
    const { report } = await replayDiagnosis(loadTranscript(name));
    const d = JSON.parse(jsonDocument('diagnose', report, null)) as { result: { findings: { causes: { id: string }[] }[] } };
    d.result.findings[0]!.causes[0]!.id = 'gremlins';
    expectInvalid(d, 'unknown cause id');
  });

  it('error documents: usage (exit 2, field named), unknown command', async () => {
    const usage = await runCli(['check', '--json', '--labels', 'x']);
    expect(usage.code).to.equal(2);
    const doc = expectValid(usage.stdout, 'usage error');
    expect(doc.result).to.equal(null);
    expect(doc.error).to.deep.include({ code: 'usage', exitCode: 2, field: '--labels' });
    const unknown = await runCli(['nosuch', '--json']);
    expect(unknown.code).to.equal(2);
    expectValid(unknown.stdout, 'unknown command');
  });

  it('refuses documents that break the types (the schema is not vacuous)', async () => {
    const report = (await allRecordedReports()).find((r) => r.report.checks.some((c) => c.status === 'fail'))!.report;
    const ok = JSON.parse(jsonDocument('check', report, null)) as { result: { checks: Record<string, unknown>[] } };
    const bad = (f: (d: typeof ok) => void): unknown => { const d = structuredClone(ok); f(d); return d; };
    expectInvalid(bad((d) => (d.result.checks[0]!.status = 'maybe')), 'unknown status');
    expectInvalid(bad((d) => delete d.result.checks[0]!.summary), 'no summary');
    expectInvalid(bad((d) => (d.result.checks[0]!.extra = 1)), 'an unknown field');
    expectInvalid(bad((d) => ((d as unknown as { error: unknown }).error = { code: 'usage', message: 'm', exitCode: 2 })), 'error and result both set; usage without field');
    expectInvalid({ ...ok, result: null }, 'neither result nor error');
    const failing = report.checks.find((c) => c.status === 'fail')!;
    expectInvalid(bad((d) => delete d.result.checks[report.checks.indexOf(failing)]!.remediation), 'a failing check without a fix');
    const verify = (JSON.parse(readFileSync(join(ROOT, 'test', 'report', 'fixtures', 'lab-uml.json'), 'utf8')) as { result: { verify: { directions: Record<string, unknown>[] } } }).result.verify;
    const v = structuredClone(verify);
    v.directions[0]!.stage = 'somewhere';
    expectInvalid(JSON.parse(jsonDocument('verify', v, null)), 'unknown stage');
  });
});
