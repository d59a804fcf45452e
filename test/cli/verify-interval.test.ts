import { expect } from 'chai';
import { runCli } from '../support/run-cli.js';

/** The interval is refused before anything is read or run: exit 2, the option named. */
describe('verify --interval', () => {
  for (const bad of ['-1', '10.5', 'fast', '', '1e-3', '0x1']) {
    it(`refuses "${bad}" with exit 2 and the option named`, async () => {
      const r = await runCli(['verify', 'no-such-topology.yaml', '--interval', bad, '--json']);
      expect(r.code).to.equal(2);
      const doc = JSON.parse(r.stdout) as { error: { field?: string; message: string } };
      expect(doc.error.field).to.equal('--interval');
    });
  }

  it('below 0.002 refuses anyone but root (iputils would), and lets root past to the topology', async () => {
    const getuid = process.getuid;
    try {
      process.getuid = () => 1000;
      const user = await runCli(['verify', 'no-such-topology.yaml', '--interval', '0', '--json']);
      expect(user.code).to.equal(2);
      expect((JSON.parse(user.stdout) as { error: { field?: string; message: string } }).error).to.include({ field: '--interval' });
      process.getuid = () => 0;
      const root = await runCli(['verify', 'no-such-topology.yaml', '--interval', '0', '--json']);
      // the interval passed: what fails now is the missing topology file
      expect((JSON.parse(root.stdout) as { error: { field?: string } }).error.field).to.not.equal('--interval');
    } finally {
      process.getuid = getuid;
    }
  });
});
