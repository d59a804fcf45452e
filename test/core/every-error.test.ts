import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../src/core/errors.js';
import { parseTopology } from '../../src/core/topology.js';
import { hostileTopologies, seedWith } from '../support/hostile-topologies.js';
import { runCli } from '../support/run-cli.js';
import { schemaErrors } from '../support/schema.js';

const caught = (text: string): UsageError => {
  try {
    parseTopology(text, 'case.yaml');
  } catch (e) {
    expect(e).to.be.instanceOf(UsageError);
    return e as UsageError;
  }
  throw new Error('accepted');
};

/** The seed with a reserved label on A and an overlay address outside the prefix on B. */
const TWO_WRONG = seedWith('hosts.A.label', '3').replace('10.199.0.2', '10.200.0.2');

describe('topology: every error in the file is reported in one run, each with its field', () => {
  it('a reserved label on A and an overlay outside the prefix on B: both named, A first', () => {
    const e = caught(TWO_WRONG);
    expect(e.field).to.equal('hosts.A.label');
    expect(e.problems?.map((p) => p.field)).to.deep.equal(['hosts.A.label', 'hosts.B.overlay']);
    expect(e.message.split('\n')).to.deep.equal([
      'hosts.A.label: 3 is reserved (0-15); use 16..1048575',
      'hosts.B.overlay: 10.200.0.2 is outside tunnel.overlay 10.199.0.0/24',
    ]);
  });

  it('wrong fields across the tunnel, both hosts, the pair and the top level, in the order they are checked', () => {
    const text = [
      'tunnel: { name: "a/b", overlay: 10.199.0.0/24, ttl: 300, colour: red }',
      'rpFilter: 1',
      'hosts:',
      '  A: { target: "netns:a;b", underlay: 10.128.0.2, overlay: 10.199.0.0, label: 100 }',
      '  B: { target: netns:b, underlay: 999.1.1.1, overlay: 10.199.0.2, label: 100, lable: 5 }',
      '',
    ].join('\n');
    expect(caught(text).problems?.map((p) => p.field)).to.deep.equal([
      'tunnel.colour', 'tunnel.name', 'hosts.A.target', 'hosts.A.overlay', 'hosts.B.lable', 'hosts.B.underlay', 'tunnel.ttl', 'rpFilter',
    ]);
  });

  it('a file with one thing wrong is one error, as before: no list (every hostile-topology case)', () => {
    for (const t of hostileTopologies()) {
      let e: unknown;
      try {
        parseTopology(t.text, 'case.yaml');
      } catch (x) {
        e = x;
      }
      expect(e, t.what).to.be.instanceOf(UsageError);
      expect((e as UsageError).field, t.what).to.equal(t.field);
      expect((e as UsageError).problems, t.what).to.equal(undefined);
    }
  });

  describe('through the CLI: exit 2, nothing touched, text and --json name them all', () => {
    let dir: string;
    let file: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'mplsgre-every-error-'));
      file = join(dir, 'two-wrong.yaml');
      writeFileSync(file, TWO_WRONG);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    for (const command of ['plan', 'up', 'verify', 'down']) {
      it(command, async () => {
        const r = await runCli([command, file]);
        expect(r.code).to.equal(2);
        expect(r.stderr).to.equal(
          `mplsgre ${command}: hosts.A.label: 3 is reserved (0-15); use 16..1048575\n` +
          `mplsgre ${command}: hosts.B.overlay: 10.200.0.2 is outside tunnel.overlay 10.199.0.0/24\n`,
        );
        const j = await runCli([command, file, '--json']);
        expect(j.code).to.equal(2);
        const doc = JSON.parse(j.stdout) as { error: { field: string; code: string; errors: { field: string; message: string }[] } };
        expect(schemaErrors(doc)).to.equal(undefined);
        expect(doc.error.field, 'the first error stays the primary field').to.equal('hosts.A.label');
        expect(doc.error.errors.map((e) => e.field)).to.deep.equal(['hosts.A.label', 'hosts.B.overlay']);
      });
    }
  });
});
