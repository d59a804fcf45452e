import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CAUSE_IDS, CAUSES } from '../../src/causes/index.js';
import { STAGE_CAUSES } from '../../src/causes/lib/stages.js';
import { presenceCause } from '../../src/core/tunnel-presence.js';
import { KNOWLEDGE } from '../../src/diagnose/knowledge.js';
import { readTunnelPresence } from '../../src/engine/tunnel-presence.js';
import { ReplayHost } from '../../src/host/replay.js';
import { loadTunnelState, ROOT } from '../support/fixtures.js';
import { loadTranscript, transcriptNames } from '../diagnose/fixtures.js';
import { CLASS_PATH_CASES } from './class-path-cases.js';
import { PATH_CASES } from './path-cases.js';

/** Files of src/causes that are not causes. */
const MACHINERY = new Set(['index', 'types', 'ids']);

/**
 * Causes no recording can show on the kernel tier, and why. A cause listed here must have no
 * recorded case (drop it from here once it has one).
 */
const NOT_RECORDABLE: Readonly<Record<string, string>> = {
  interface_not_mpls_capable: 'kernel 6.1 gives every device an MPLS configuration (recorded: transcripts/vcan-has-mpls-conf); only older kernels refuse one',
};

describe('cause registry (meta)', () => {
  const dir = join(ROOT, 'src', 'causes');
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !MACHINERY.has(f.slice(0, -3))).map((f) => f.slice(0, -3)).sort();

  it('registers every cause file, and only those; the stable id list is the same set', () => {
    expect(CAUSES.map((c) => c.id).sort()).to.deep.equal(files);
    expect([...CAUSE_IDS].sort()).to.deep.equal(files);
    expect(new Set(CAUSES.map((c) => c.id)).size).to.equal(CAUSES.length);
  });

  for (const file of files) {
    it(`${file}: id equals its file name, with a title, a fix and the facts it reads`, async () => {
      const mod = (await import(`../../src/causes/${file}.js`)) as { default: (typeof CAUSES)[number] };
      expect(mod.default.id).to.equal(file);
      expect(CAUSES).to.include(mod.default);
      expect(mod.default.title).to.be.a('string').and.not.empty;
      expect(mod.default.fix).to.be.a('string').and.have.length.greaterThan(10);
      expect(mod.default.reads).to.be.an('array');
      expect(mod.default.assess).to.be.a('function');
    });
  }

  it('no cause module reaches a host: assess is pure (imports only types, src/core, src/diagnose parsers and src/causes)', () => {
    for (const file of files) {
      const text = readFileSync(join(dir, `${file}.ts`), 'utf8');
      for (const m of text.matchAll(/^import (type )?.*from '([^']+)';$/gm)) {
        const [, typeOnly, spec] = m;
        if (typeOnly) continue;
        expect(spec, `${file} imports ${spec}`).to.match(/^\.\/(lib\/[\w-]+|types)\.js$/);
      }
    }
  });

  it('every candidate a message or a stage names is a registered cause', () => {
    const known = new Set<string>(CAUSE_IDS);
    for (const k of KNOWLEDGE) for (const c of [...k.causes, ...(k.rules ?? []).flatMap((r) => r.causes)]) expect(known.has(c), `${k.id}: ${c}`).to.equal(true);
    for (const [stage, e] of Object.entries(STAGE_CAUSES)) for (const c of e.causes) expect(known.has(c), `${stage}: ${c}`).to.equal(true);
  });

  it('every cause has a recorded real case that selects it, but those listed (with why) as not recordable here', async () => {
    const cases = new Map<string, string[]>();
    const add = (id: string | null | undefined, where: string): void => {
      if (id) cases.set(id, [...(cases.get(id) ?? []), where]);
    };
    // diagnose: test/diagnose/transcripts.test.ts replays each and asserts its cause comes first.
    for (const n of transcriptNames()) add(loadTranscript(n).expect?.cause, `transcripts/${n}`);
    // verify after it sent: test/causes/paths.test.ts replays each and asserts the cause, certain.
    for (const [n, c] of Object.entries(PATH_CASES)) add(c.cause, `paths/${n}`);
    // a traffic class's failure: test/causes/class-paths.test.ts replays each and asserts the cause, certain.
    for (const [n, c] of Object.entries(CLASS_PATH_CASES)) add(c.cause, `class-paths/${n}`);
    // verify before it sends: the tunnel read from one end.
    for (const n of ['uml-tunnel-absent', 'uml-tunnel-down', 'uml-address-absent', 'uml-route-absent']) {
      const p = await readTunnelPresence(new ReplayHost(loadTunnelState(n)), 'A', 'foo4', '10.199.0.1', '10.199.0.0/24');
      add(p ? presenceCause(p, 'mplsgre up FILE')?.id : undefined, `tunnel-state/${n}`);
    }
    const missing = CAUSE_IDS.filter((c) => !cases.has(c) && !(c in NOT_RECORDABLE));
    expect(missing, 'causes without a recorded case').to.deep.equal([]);
    for (const [c, why] of Object.entries(NOT_RECORDABLE)) {
      expect(cases.get(c), `${c} is recorded now: drop it from NOT_RECORDABLE`).to.equal(undefined);
      expect(why).to.have.length.greaterThan(20);
    }
  });
});
