import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isCauseId } from '../../src/causes/ids.js';
import { KNOWLEDGE } from '../../src/diagnose/knowledge.js';
import { matchLine } from '../../src/diagnose/matcher.js';
import { ROOT } from '../support/fixtures.js';
import { loadTranscript, transcriptNames } from './fixtures.js';

describe('diagnose: knowledge base (meta)', () => {
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
});
