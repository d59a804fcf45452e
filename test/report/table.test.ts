import { expect } from 'chai';
import { fleetCommand, type FleetReport } from '../../src/commands/fleet.js';
import type { CheckReport } from '../../src/commands/check.js';
import type { StepReport } from '../../src/engine/apply.js';
import { renderCheckTable } from '../../src/report/check-text.js';
import { renderFleetTable } from '../../src/report/fleet-text.js';
import { renderApply, renderRemove } from '../../src/report/tunnel-text.js';
import { drawTable, loadTables } from '../../src/report/table.js';
import { replayFleet } from '../support/replay-fleet.js';
import { allRecordedReports, HOSTILE, hostile } from './support/reports.js';

const ANSI = /\u001b\[[0-9;]*m/g;
const pad = (s: string, width: number): string => s + ' '.repeat(Math.max(0, width - [...s].length));

/** The check table as it was drawn by hand before cli-table3: what plain output must stay. */
function handDrawnCheck(r: CheckReport): string[] {
  const w = Math.max(5, ...r.checks.map((c) => c.id.length)) + 2;
  return [`${pad('CHECK', w)}${pad('STATUS', 8)}DETAIL`, ...r.checks.map((c) => `${pad(c.id, w)}${pad(c.status, 8)}${c.summary.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ')}`)];
}

describe('terminal tables (cli-table3, no borders)', () => {
  before(loadTables);

  it('columns are the widest cell plus two spaces, trailing blanks cut', () => {
    expect(drawTable([['a', 'bb', 'c'], ['dddd', 'e', '']], { head: ['X', 'YYY', 'Z'] })).to.deep.equal(['X     YYY  Z', 'a     bb   c', 'dddd  e']);
    expect(drawTable([['ok', 'x']], { indent: '  ' })).to.deep.equal(['  ok  x']);
  });

  it('check: plain text is the hand-drawn layout, for every recorded host and hostile host text', async () => {
    const reports = await allRecordedReports();
    expect(reports.length).to.be.greaterThan(3);
    for (const { name, report } of reports) {
      for (const r of [report, ...HOSTILE.map((t) => hostile(report, t))]) {
        const lines = renderCheckTable(r, { color: false }).split('\n');
        const at = lines.findIndex((l) => l.startsWith('CHECK '));
        expect(lines.slice(at, at + 1 + r.checks.length), name).to.deep.equal(handDrawnCheck(r));
      }
    }
  });

  it('check: colour marks the status cell only, and takes no column width', async () => {
    const { report } = (await allRecordedReports())[0]!;
    const coloured = renderCheckTable(report, { color: true });
    expect(coloured).to.match(/\u001b\[3[12]m(pass|fail) *\u001b\[0m/);
    expect(coloured.replace(ANSI, '')).to.equal(renderCheckTable(report, { color: false }));
  });

  it('fleet: one line per host, unreachable hosts with their error on their line, columns as drawn by hand', async () => {
    const fleet = replayFleet(7, { unreachableEvery: 3 });
    const r: FleetReport = await fleetCommand({ entries: fleet.entries, connect: fleet.connect, concurrency: 2, timeoutMs: 60_000, labels: [], failOn: 'fail' });
    const text = renderFleetTable(r, { color: false });
    const lines = text.split('\n');
    expect(lines).to.have.length(r.hosts.length + 4);
    const head = lines[0]!;
    const cols = head.split(/ {2,}/);
    expect(cols.slice(0, 2)).to.deep.equal(['TARGET', 'READY']);
    const tw = Math.max(6, ...r.hosts.map((h) => h.target.length)) + 2;
    expect(head.indexOf('READY')).to.equal(tw);
    // Every check column starts where the hand-drawn one did: width max(4, name) + 2.
    let at = tw + 7;
    for (const c of cols.slice(2)) {
      expect(head.indexOf(c, at - 1), c).to.equal(at);
      at += Math.max(4, c.length) + 2;
    }
    const lost = lines.filter((l) => l.includes('.lost.'));
    expect(lost).to.have.length(2);
    for (const l of lost) expect(l).to.match(new RegExp(`^ssh:root@h\\d\\.lost\\.test +- {6}unreachable: unreachable by construction`));
    expect(renderFleetTable(r, { color: true }).replace(ANSI, '')).to.equal(text);
  });

  it('up/down steps: outcome, id and detail in columns fitted to the longest cell', () => {
    const step = (outcome: StepReport['outcome'], id: string, detail?: string): StepReport =>
      ({ id, host: id.split('.')[0]!, description: `do ${id}`, outcome, durationMs: 1, ...(detail ? { detail } : {}) });
    const steps = [step('changed', 'A.module.mpls_router'), step('already', 'A.sysctl.platform_labels', 'already 65535'), step('changed', 'B.tunnel.gre-ab-longer-than-twenty-eight.link.add')];
    const up = renderApply({ ok: true, tunnel: 't', changed: 2, already: 1, steps, rolledBack: [] }, { color: false });
    // The id column is as wide as the longest id plus two spaces (it was a fixed 28 characters).
    const w = 'B.tunnel.gre-ab-longer-than-twenty-eight.link.add'.length + 2;
    expect(up.split('\n').slice(0, 3)).to.deep.equal([
      `  changed  ${pad('A.module.mpls_router', w)}do A.module.mpls_router`,
      `  already  ${pad('A.sysctl.platform_labels', w)}already 65535`,
      '  changed  B.tunnel.gre-ab-longer-than-twenty-eight.link.add  do B.tunnel.gre-ab-longer-than-twenty-eight.link.add',
    ]);
    const down = renderRemove({ ok: true, tunnel: 't', undone: 0, steps: [], unrecorded: [] }, { color: false });
    expect(down).to.equal('\nDown: 0 step(s) undone.\n');
  });
});
