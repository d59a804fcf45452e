import { expect } from 'chai';
import { nearest } from '../../src/core/suggest.js';
import { parseTopology } from '../../src/core/topology.js';
import { UsageError } from '../../src/core/errors.js';
import { runCli } from '../support/run-cli.js';

describe('typos: the nearest option, command or topology key is suggested (one function for all three)', () => {
  it('nearest: same word in another case, else the closest within two edits, else nothing', () => {
    expect(nearest('ifcae', ['labels', 'iface', 'netns'])).to.equal('iface');
    expect(nearest('chek', ['check', 'plan', 'up'])).to.equal('check');
    expect(nearest('LABEL', ['target', 'label'])).to.equal('label');
    expect(nearest('dwn', ['up', 'down', 'diagnose'])).to.equal('down');
    expect(nearest('verfy', ['verify', 'very'])).to.equal('verify');
    expect(nearest('zzzzzz', ['check', 'plan'])).to.equal(undefined);
  });

  for (const [argv, field, hint] of [
    [['check', '--ifcae', 'foo4'], '--ifcae', 'did you mean --iface?'],
    [['check', '--ifcae=foo4'], '--ifcae', 'did you mean --iface?'],
    [['check', '--lables', '100'], '--lables', 'did you mean --labels?'],
    [['up', 'x.yaml', '--ssh-conifg', 'f'], '--ssh-conifg', 'did you mean --ssh-config?'],
    [['chek'], 'command', 'did you mean check?'],
    [['verfy', 'x.yaml'], 'command', 'did you mean verify?'],
  ] as const) {
    it(`${argv.join(' ')}: exit 2, ${field}, "${hint}"`, async () => {
      const r = await runCli([...argv]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.include(`${field}: `).and.include(hint);
      const j = await runCli([...argv, '--json']);
      const doc = JSON.parse(j.stdout) as { error: { field: string; message: string; exitCode: number } };
      expect(doc.error).to.deep.include({ field, exitCode: 2 });
      expect(doc.error.message).to.include(hint);
    });
  }

  it('nothing close: no suggestion, the same exit 2', async () => {
    const r = await runCli(['check', '--zzzzzz']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.equal('mplsgre check: --zzzzzz: unknown option\n');
    const c = await runCli(['qqqqqq']);
    expect(c.code).to.equal(2);
    expect(c.stderr).not.to.include('did you mean');
  });

  it('topology keys keep their suggestion', () => {
    const text = 'tunnel: { name: foo4, overlay: 10.199.0.0/24 }\nhosts:\n  A: { target: "netns:a", underlay: 10.128.0.2, overlay: 10.199.0.1, lable: 100 }\n  B: { target: "netns:b", underlay: 10.128.100.2, overlay: 10.199.0.2, label: 101 }\n';
    expect(() => parseTopology(text)).to.throw(UsageError, /hosts\.A\.lable: unknown key \(did you mean label\?\)/);
  });
});
