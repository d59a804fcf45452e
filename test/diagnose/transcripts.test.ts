import { expect } from 'chai';
import { errorLines } from '../../src/diagnose/matcher.js';
import { loadTranscript, replayDiagnosis, transcriptNames, transcriptText } from './fixtures.js';

/**
 * Every transcript recorded in user-mode Linux: diagnosing its output against the host state
 * recorded with it must name the cause the state was made with, first, with its confidence.
 */
describe('diagnose: recorded transcripts', () => {
  const names = transcriptNames();

  it('has the recorded transcripts', () => {
    expect(names.length).to.be.greaterThan(40);
  });

  for (const name of names) {
    const fx = loadTranscript(name);
    describe(name, () => {
      it('was recorded on kernel 6.1 with iproute2 6.1.0', () => {
        expect(fx.name).to.equal(name);
        expect(fx.recorded.kernel).to.match(/^6\.1\./);
        expect(fx.recorded.tools.iproute2).to.equal('6.1.0');
        expect(fx.recorded.state).to.be.a('string').and.not.equal('');
      });

      if (fx.expect === null) {
        it(`succeeded: nothing to diagnose (exit ${fx.exitCode})`, () => {
          expect(fx.exitCode).to.equal(0);
          expect(errorLines({ kind: 'transcript', text: transcriptText(fx) })).to.deep.equal([]);
          expect(fx.facts).to.equal(null);
        });
        return;
      }

      const want = fx.expect;
      it(`failed, and diagnose puts ${want.cause} (${want.confidence}) first`, async () => {
        expect(fx.exitCode).to.not.equal(0);
        const { report, unrecorded } = await replayDiagnosis(fx);
        expect(unrecorded, 'diagnose read what the recording does not hold: re-record').to.deep.equal([]);
        expect(report.findings.length).to.be.greaterThan(0);
        for (const f of report.findings) {
          expect(f.known, f.message).to.be.a('string');
          const top = f.causes[0];
          expect(top?.id, `${f.message}: ${JSON.stringify(f.causes.map((c) => [c.id, c.confidence]))}`).to.equal(want.cause);
          expect(top?.confidence).to.equal(want.confidence);
          expect(top?.fix).to.be.a('string').and.not.equal('');
          expect(top?.explanation).to.be.a('string').and.not.equal('');
        }
        expect(report.unknown).to.equal(0);
        expect(report.check).to.equal(undefined);
        expect(report.kernel).to.equal(fx.recorded.kernel);
      });
    });
  }

  it('records what the kernel loads by itself: ip_gre for ip tunnel add, mpls_iptunnel and mpls_router for encap mpls', () => {
    expect(loadTranscript('autoload-tunnel-add').modulesLoaded).to.include('ip_gre');
    expect(loadTranscript('autoload-encap-route').modulesLoaded).to.include.members(['mpls_iptunnel', 'mpls_router']);
  });
});
