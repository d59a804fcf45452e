import { expect } from 'chai';
import type { HostSpec } from '../../../src/core/topology.js';
import type { Host } from '../../../src/host/host.js';
import { LocalHost } from '../../../src/host/local.js';
import { runTcp } from '../../../src/engine/verify/tcp.js';

const local = new LocalHost();
/** This machine, presented as a host reached over ssh: the endpoint it gets is python3's. */
const asRemote: Host = {
  name: 'ssh:test', remote: true,
  exec: (f, a, o) => local.exec(f, a, o),
  readFiles: (p) => local.readFiles(p),
  start: (f, a, o) => local.start(f, a, o),
};
const A = { name: 'A', overlay: '127.0.0.1', label: 100 } as HostSpec;
const B = { name: 'B', overlay: '127.0.0.2', label: 101 } as HostSpec;

/** Both endpoints on loopback: this program's (local host) against python3's (a host "over ssh"), each way at once. */
describe('verify\'s TCP endpoints: this program and the python3 one move the same bytes to each other', function () {
  this.timeout(60_000);

  it('1 MiB each way between mplsgre --tcp-endpoint and python3: every byte, equal digests, no stall', async () => {
    const [ab, ba] = await runTcp([A, B], (h) => (h === A ? local : asRemote), [true, true], { bytes: 1024 * 1024, stallMs: 3_000 });
    for (const [name, r] of [['A->B', ab], ['B->A', ba]] as const) {
      expect(r?.error, name).to.equal(undefined);
      expect(r?.skipped, name).to.equal(undefined);
      expect(r?.sender?.bytes, name).to.equal(1024 * 1024);
      expect(r?.receiver?.bytes, name).to.equal(1024 * 1024);
      expect(r?.receiver?.sha256, name).to.equal(r?.sender?.sha256).and.match(/^[0-9a-f]{64}$/);
      expect([r?.sender?.stalled, r?.receiver?.stalled], name).to.deep.equal([false, false]);
    }
    // Random bytes: the two directions did not send the same.
    expect(ab?.sender?.sha256).to.not.equal(ba?.sender?.sha256);
  });

  it('a direction whose pings did not cross runs no endpoint for it; the other still runs', async () => {
    const [ab, ba] = await runTcp([A, B], () => local, [false, true], { bytes: 64 * 1024, stallMs: 3_000 });
    expect(ab).to.equal(undefined);
    expect(ba?.receiver?.bytes).to.equal(64 * 1024);
  });

  it('a host over ssh without python3 makes the direction say why, and nothing runs', async () => {
    const noPython: Host = { ...asRemote, exec: (f, a, o) => local.exec(f === 'python3' ? 'python3-absent-here' : f, a, o), start: () => { throw new Error('must not start'); } };
    const [ab, ba] = await runTcp([A, B], (h) => (h === A ? local : noPython), [true, true], { bytes: 1024, stallMs: 3_000 });
    for (const r of [ab, ba]) expect(r?.skipped).to.match(/^B is reached over ssh and has no python3 to run verify's TCP endpoint \(/);
  });
});
