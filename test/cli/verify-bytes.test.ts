import { expect } from 'chai';
import { bytesOption } from '../../src/cli/parse.js';
import { runCli } from '../support/run-cli.js';

/** The transfer size is refused before anything is read or run: exit 2, the option named. */
describe('verify --bytes and --no-tcp', () => {
  for (const bad of ['0', '-1', '4.5M', 'lots', '', '2T', '1025M', '0x10', '01M']) {
    it(`refuses --bytes "${bad}" with exit 2 and the option named`, async () => {
      const r = await runCli(['verify', 'no-such-topology.yaml', '--bytes', bad, '--json']);
      expect(r.code).to.equal(2);
      const doc = JSON.parse(r.stdout) as { error: { field?: string; message: string } };
      expect(doc.error.field).to.equal('--bytes');
    });
  }

  it('--bytes with --no-tcp is refused, naming --bytes', async () => {
    const r = await runCli(['verify', 'no-such-topology.yaml', '--bytes', '1M', '--no-tcp', '--json']);
    expect(r.code).to.equal(2);
    expect((JSON.parse(r.stdout) as { error: { field?: string } }).error.field).to.equal('--bytes');
  });

  it('reads a whole number of bytes with an optional K, M or G (powers of 1024), and defaults when absent', () => {
    expect(['1', '4096', '64K', '4m', '1G'].map((s) => bytesOption(s, '--bytes', 7))).to.deep.equal([1, 4096, 65_536, 4 * 1024 * 1024, 1024 ** 3]);
    expect(bytesOption(undefined, '--bytes', 7)).to.equal(7);
  });
});
