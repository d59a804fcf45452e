import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CAUSE_IDS, CAUSES, isCauseId } from '../../src/diagnose/causes.js';
import { KNOWLEDGE } from '../../src/diagnose/knowledge.js';
import { matchLine } from '../../src/diagnose/matcher.js';
import { ROOT } from '../support/fixtures.js';
import { loadTranscript, transcriptNames } from './fixtures.js';

/** Causes no recorded transcript can show on kernel 6.1, and why. */
const NOT_ON_6_1: Record<string, string> = {
  interface_not_mpls_capable: 'kernel 6.1 gives every device an MPLS configuration (recorded: vcan-has-mpls-conf)',
};

/** Causes no error message shows: verify finds them in the packets (test/kernel/tunnel.kernel.test.ts). */
const FROM_VERIFY_ONLY: Record<string, string> = {
  route_not_labelled: 'requests leave the sender unlabelled or with another label: seen only in a capture',
  overlay_address_absent: 'verify reads the host\'s addresses before it sends: no command prints it as an error',
  overlay_route_absent: 'verify reads the host\'s routes before it sends: no command prints it as an error',
};

describe('diagnose: knowledge base (meta)', () => {
  it('the cause table and the id list agree; every cause has a title and a fix', () => {
    expect(Object.keys(CAUSES).sort()).to.deep.equal([...CAUSE_IDS].sort());
    for (const id of CAUSE_IDS) {
      expect(CAUSES[id].id).to.equal(id);
      expect(CAUSES[id].title, id).to.be.a('string').and.not.equal('');
      expect(CAUSES[id].fix, id).to.be.a('string').and.not.equal('');
      expect(id).to.match(/^[a-z0-9_]+$/);
    }
  });

  it('has the ids verify and reports key on', () => {
    expect(CAUSE_IDS).to.include.members([
      'mpls_router_missing', 'mpls_iptunnel_missing', 'ip_gre_missing', 'platform_labels_too_small', 'label_reserved', 'label_out_of_range',
      'route_exists', 'device_down', 'interface_missing', 'rp_filter_strict', 'mpls_input_disabled', 'label_not_routed', 'mtu_exceeded',
      'tunnel_endpoint_mismatch', 'underlay_unreachable',
    ]);
  });

  it('entry ids are unique; every cause they name exists', () => {
    const ids = KNOWLEDGE.map((k) => k.id);
    expect(new Set(ids).size).to.equal(ids.length);
    for (const k of KNOWLEDGE) {
      for (const c of [...k.causes, ...(k.rules ?? []).flatMap((r) => r.causes)]) expect(isCauseId(c), `${k.id}: ${c}`).to.be.true;
      expect(k.meaning, k.id).to.not.equal('');
      expect(k.probe, k.id).to.not.equal('');
      expect(k.fix, k.id).to.not.equal('');
      expect(k.texts.length, k.id).to.be.greaterThan(0);
    }
  });

  for (const k of KNOWLEDGE) {
    for (const t of k.texts) {
      it(`${k.id}: "${t.text}" matches this entry and was seen where it says`, () => {
        expect(matchLine(t.text)?.entry.id).to.equal(k.id);
        expect(t.seen.length).to.be.greaterThan(0);
        for (const s of t.seen) {
          expect(s.versions).to.not.equal('');
          if (s.source.startsWith('github:')) {
            expect(s.source).to.match(/^github:[\w.-]+\/[\w.-]+ \S+/);
            continue;
          }
          expect(existsSync(join(ROOT, s.source)), s.source).to.be.true;
          const name = s.source.replace(/^.*\//, '').replace(/\.json$/, '');
          const fx = loadTranscript(name);
          expect(`${fx.stdout}${fx.stderr}`, `${name} printed it`).to.include(t.text);
          expect(s.versions).to.include(fx.recorded.kernel);
        }
      });
    }
  }

  it('every recorded error line is known, and its entry cites that recording', () => {
    for (const name of transcriptNames()) {
      const fx = loadTranscript(name);
      if (fx.expect === null) continue;
      const line = fx.stderr.trim().split('\n').at(-1) || fx.stdout.trim().split('\n').at(-1)!;
      const m = matchLine(line.trim());
      expect(m, `${name}: ${line}`).to.not.equal(undefined);
      const cited = m!.entry.texts.flatMap((t) => t.seen).some((s) => s.source.endsWith(`/${name}.json`));
      expect(cited, `${m!.entry.id} does not cite ${name}`).to.be.true;
    }
  });

  it('every cause is shown by a recorded transcript, but those kernel 6.1 cannot show', () => {
    const expected = new Set(transcriptNames().map((n) => loadTranscript(n).expect?.cause).filter(Boolean));
    const missing = CAUSE_IDS.filter((c) => !expected.has(c) && !(c in NOT_ON_6_1) && !(c in FROM_VERIFY_ONLY));
    expect(missing).to.deep.equal([]);
    for (const c of Object.keys(NOT_ON_6_1)) expect(expected.has(c as never), `${c} is recorded now: drop it from NOT_ON_6_1`).to.be.false;
  });
});
