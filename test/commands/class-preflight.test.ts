import { expect } from 'chai';
import { requireClassSupport } from '../../src/commands/class-preflight.js';
import { EnvironmentError } from '../../src/core/errors.js';
import { parseTopology } from '../../src/core/topology.js';
import { ReplayHost } from '../../src/host/replay.js';
import { loadFacts } from '../support/fixtures.js';

const topology = (tc: boolean): ReturnType<typeof parseTopology> => parseTopology(`tunnel: { name: foo4, overlay: 10.199.0.0/24 }
hosts:
  A: { target: local, underlay: 10.128.0.2, overlay: 10.199.0.1, label: 100, classes: [ { name: voice, dscp: 46, label: 200${tc ? ', tc: 5' : ''} } ] }
  B: { target: local, underlay: 10.128.100.2, overlay: 10.199.0.2, label: 101 }
`);

/** up's refusal before any change, on facts check --classes recorded (test/fixtures/facts). */
describe('up: a host that lacks what its classes need is refused before anything changes', () => {
  it('this host (6.18, no module support, no cls_flower or act_mpls): a class with tc: is refused, exit 3, naming both modules; B (no classes of its own) is not read', async () => {
    const a = new ReplayHost(loadFacts('host-classes'), 'A');
    const b = new ReplayHost({ ...loadFacts('host-classes'), files: {}, commands: {} }, 'B');
    const err = await requireClassSupport(topology(true), new Map([['A', a], ['B', b]])).then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(EnvironmentError);
    expect((err as EnvironmentError).exitCode).to.equal(3);
    expect((err as Error).message).to.match(/^the traffic classes cannot be set up: A lacks module cls_flower \(CONFIG_NET_CLS_FLOWER is not set; kernel has no module support\), for tc:; module act_mpls \(CONFIG_NET_ACT_MPLS is not set; kernel has no module support\), for tc:\. Nothing was changed/);
    expect(a.unrecorded).to.deep.equal([]);
    expect(b.unrecorded).to.deep.equal([]);
  });

  it('the same host without tc: goes ahead (mangle, dscp, mark, u32 and DSCP are built in)', async () => {
    await requireClassSupport(topology(false), new Map([['A', new ReplayHost(loadFacts('host-classes'), 'A')]]));
  });

  it('user-mode Linux freshly booted: every module loadable, so up goes ahead and loads them', async () => {
    await requireClassSupport(topology(true), new Map([['A', new ReplayHost(loadFacts('uml-classes-fresh'), 'A')]]));
  });
});
