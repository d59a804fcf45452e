import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { jsonDocument } from '../../src/cli/io.js';
import { ROOT } from '../support/fixtures.js';
import { runCli } from '../support/run-cli.js';
import { allRecordedReports } from './support/reports.js';

/** RFC 3339 date-time, as `Date.toISOString()` prints it and the schema's `format` asks. */
const DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

const schema = JSON.parse(readFileSync(join(ROOT, 'schema', 'mplsgre.schema.json'), 'utf8')) as object;
const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
ajv.addFormat('date-time', DATE_TIME);
const validate = ajv.compile(schema);

function expectValid(text: string, what: string): Record<string, unknown> {
  const doc = JSON.parse(text) as Record<string, unknown>;
  const ok = validate(doc);
  expect(ok, `${what}:\n${ajv.errorsText(validate.errors, { separator: '\n' })}`).to.be.true;
  return doc;
}

function expectInvalid(doc: unknown, what: string): void {
  expect(validate(doc), what).to.be.false;
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

  it('lab, and its verify, up and down results, from a recorded lab run', () => {
    const text = readFileSync(join(ROOT, 'test', 'report', 'fixtures', 'lab-uml.json'), 'utf8');
    const lab = expectValid(text, 'lab').result as Record<string, unknown>;
    for (const command of ['verify', 'up', 'down']) {
      expect(lab[command], command).to.be.an('object');
      expectValid(jsonDocument(command, lab[command], null), command);
    }
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
    const report = (await allRecordedReports())[0]!.report;
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
