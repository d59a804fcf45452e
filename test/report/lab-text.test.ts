import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { DirectionResult } from '../../src/engine/verify.js';
import { renderLabEvent } from '../../src/report/lab-text.js';
import { ROOT } from '../support/fixtures.js';

// A lab run recorded in user-mode Linux 6.1.176 (its --json document): both directions with their 4 MiB transfers.
const lab = JSON.parse(readFileSync(join(ROOT, 'test', 'report', 'fixtures', 'lab-uml.json'), 'utf8')) as { result: { verify: { directions: DirectionResult[] } } };
const [ab] = lab.result.verify.directions as [DirectionResult, DirectionResult];
const line = (d: DirectionResult): string => renderLabEvent({ kind: 'direction', direction: d }, { color: false });

describe('lab: a direction\'s progress line names its bulk TCP transfer', () => {
  it('a transfer that crossed: its size, rate, digests and the segments labelled inside GRE', () => {
    expect(line(ab)).to.match(/^✔ verify A->B: 5\/5 replies, label 100 inside GRE on the wire, .*; TCP 4 MiB at 25\.4 Mbit\/s, digests match, 2994 segments labelled inside GRE$/);
  });

  it('a transfer that did not run says why', () => {
    expect(line({ ...ab, tcp: { ...ab.tcp!, ok: false, skipped: true, reason: 'no python3 on B' } })).to.match(/; TCP not run: no python3 on B$/);
  });

  it('no transfer (--no-tcp): the line is as it was', () => {
    const { tcp, ...rest } = ab;
    void tcp;
    expect(line(rest as DirectionResult)).to.not.contain('TCP');
  });
});
