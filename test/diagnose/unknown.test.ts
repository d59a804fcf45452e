import { expect } from 'chai';
import { diagnoseCommand } from '../../src/commands/diagnose.js';
import { ReplayHost } from '../../src/host/replay.js';
import { renderDiagnoseText } from '../../src/report/diagnose-text.js';
import { loadTables } from '../../src/report/table.js';
import { CHECKS } from '../../checks/index.js';
import { loadFacts } from '../support/fixtures.js';

/** The seed setup in namespace A, recorded by scripts/record-facts.ts in user-mode Linux. */
const seed = (): ReplayHost => new ReplayHost(loadFacts('uml-seed'), 'netns:A');

describe('diagnose: a message it does not know', () => {
  before(loadTables);
  it('says so, and includes the result of check on the same host', async () => {
    const host = seed();
    const r = await diagnoseCommand({ host, input: { kind: 'message', text: 'foo4: something went sideways' }, iface: 'foo4', labels: [100, 101] });
    expect(host.unrecorded).to.deep.equal([]);
    expect(r.findings).to.have.length(1);
    const f = r.findings[0]!;
    expect(f.known).to.equal(null);
    expect(f.causes).to.deep.equal([]);
    expect(f.note).to.match(/does not know this message/);
    expect(r.unknown).to.equal(1);
    expect(r.check?.checks.map((c) => c.id)).to.deep.equal(CHECKS.map((c) => c.id));
    expect(r.check?.ready).to.equal(true);
    const text = renderDiagnoseText(r, { color: false });
    expect(text).to.match(/^unknown message: not in mplsgre's knowledge base/);
    expect(text).to.include('sysctl.platform_labels');
  });

  it('a transcript without any error line runs check, and says no error was found', async () => {
    const host = seed();
    const r = await diagnoseCommand({ host, input: { kind: 'transcript', text: '# ip -f mpls route show\n101 dev lo\n' }, iface: 'foo4', labels: [100, 101] });
    expect(r.findings).to.deep.equal([]);
    expect(r.check).to.not.equal(undefined);
    expect(renderDiagnoseText(r, { color: false })).to.match(/^no error message found in the input/);
  });

  it('a known message says so and does not run check', async () => {
    const host = seed();
    const r = await diagnoseCommand({ host, input: { kind: 'message', text: 'Error: Invalid label - must be MPLS_LABEL_FIRST_UNRESERVED or higher.' }, command: 'ip -f mpls route add 7 dev lo', labels: [] });
    expect(r.findings[0]!.known).to.equal('label-reserved');
    expect(r.findings[0]!.causes[0]).to.include({ id: 'label_reserved', confidence: 'certain' });
    expect(r.check).to.equal(undefined);
    expect(host.unrecorded).to.deep.equal([]);
  });
});
