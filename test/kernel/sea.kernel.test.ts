import { expect } from 'chai';
import { chmod, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { LabResult } from '../../src/commands/lab.js';
import { ensureUmlKernel } from '../../src/host/uml.js';
import { schemaErrors } from '../support/schema.js';
import { nodelessHost, nodeRunsIn, type NodelessHost } from '../support/sea.js';

/**
 * The datapath commands from the single executable: `mplsgre lab` (namespaces, up, verify with
 * captures, down) with no node anywhere it could run: node's binary is covered in the mount
 * namespace the executable and its user-mode Linux guest (whose root is this machine's files)
 * run in, and PATH has only ip and tcpdump.
 */
describe('kernel tier: the single executable runs the lab with no node', function () {
  this.timeout(360_000);
  let host: NodelessHost;
  let tmp = '';
  before(async () => {
    await ensureUmlKernel((m) => console.log(`      ${m}`));
    host = await nodelessHost();
    tmp = join(host.dir, 'tmp');
    await mkdir(tmp);
    await chmod(tmp, 0o1777);
  });
  after(() => host?.dispose());

  it('lab --json passes both directions in user-mode Linux and leaves nothing behind', async () => {
    expect(nodeRunsIn(host).code, 'node cannot run in the namespace').to.not.equal(0);
    const r = await host.run(['lab', '--json'], { env: { TMPDIR: tmp }, timeoutMs: 300_000 });
    const doc = JSON.parse(r.stdout) as { result: LabResult };
    expect(r.code, r.stderr).to.equal(0);
    expect(schemaErrors(doc)).to.equal(undefined);
    expect(doc.result.where).to.equal('uml');
    expect(doc.result.verify?.directions.map((d) => [d.from, d.to, d.label, d.ok, d.received])).to.deep.equal([['A', 'B', 100, true, 5], ['B', 'A', 101, true, 5]]);
    expect(doc.result.down?.ok).to.equal(true);
    expect(doc.result.leftBehind).to.deep.equal([]);
    expect(await readdir(tmp)).to.deep.equal([]);
  });
});
