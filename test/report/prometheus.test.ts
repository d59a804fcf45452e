import { expect } from 'chai';
import type { CheckReport } from '../../src/commands/check.js';
import { PROM_STATUS, renderCheckPrometheus, renderFleetPrometheus } from '../../src/report/prometheus.js';
import { allRecordedReports, hostile, HOSTILE, recordedReport, wellFormed } from './support/reports.js';
import { parseProm, type PromSample } from './support/prom.js';

const of = (samples: PromSample[], name: string): PromSample[] => samples.filter((s) => s.name === name);

function expectReport(samples: PromSample[], r: CheckReport): void {
  const mine = samples.filter((s) => s.labels.host === r.hostname && s.labels.target === r.target);
  const status = of(mine, 'mplsgre_check_status');
  const exported = r.checks.filter((c) => c.status !== 'skip');
  expect(status.map((s) => s.labels.check)).to.deep.equal(exported.map((c) => c.id));
  for (const c of exported) {
    const s = status.find((x) => x.labels.check === c.id)!;
    expect(s.value, c.id).to.equal({ pass: 0, warn: 1, fail: 2, error: 2 }[c.status as 'pass']);
    expect(s.labels.severity).to.equal(c.severity);
  }
  expect(of(mine, 'mplsgre_ready').map((s) => s.value)).to.deep.equal([r.ready ? 1 : 0]);
  expect(of(mine, 'mplsgre_check_run_timestamp_seconds')[0]!.value).to.equal(Date.parse(r.startedAt) / 1000);
  expect(of(mine, 'mplsgre_check_duration_seconds')[0]!.value).to.equal(r.durationMs / 1000);
  for (const st of ['pass', 'warn', 'fail', 'error', 'skip'] as const) {
    expect(of(mine, 'mplsgre_checks').find((s) => s.labels.status === st)!.value, st).to.equal(r.tally[st]);
  }
}

describe('Prometheus textfile report', () => {
  it('maps statuses: 0 pass, 1 warn, 2 fail and error, skip not exported', () => {
    expect(PROM_STATUS).to.deep.equal({ pass: 0, warn: 1, fail: 2, error: 2, skip: undefined });
  });

  it('every recorded report: every line in the exposition grammar, values as mapped', async () => {
    for (const { name, report } of await allRecordedReports()) {
      const text = renderCheckPrometheus(report);
      const samples = parseProm(text);
      expectReport(samples, report);
      expect(text, name).to.match(/^# HELP mplsgre_check_status .+\n# TYPE mplsgre_check_status gauge\n/);
    }
  });

  it('fleet: each family once, every host in it', async () => {
    const all = (await allRecordedReports()).map((x) => ({ ...x.report, hostname: x.name }));
    const samples = parseProm(renderFleetPrometheus(all));
    for (const r of all) expectReport(samples, r);
    expect(of(samples, 'mplsgre_ready').filter((s) => s.value === 1).map((s) => s.labels.host)).to.deep.equal(['boot-installed', 'boot-no-unit', 'boot-sysctl-trap', 'uml-classes-fresh', 'uml-classes-loaded', 'uml-fresh', 'uml-seed']);
  });

  it('a skipped check is not exported', async () => {
    const r = await recordedReport('uml-seed');
    const skipped: CheckReport = { ...r, checks: r.checks.map((c) => (c.id === 'tool.tcpdump' ? { ...c, status: 'skip' as const } : c)) };
    expect(parseProm(renderCheckPrometheus(skipped)).some((s) => s.labels.check === 'tool.tcpdump')).to.be.false;
  });

  it('escapes label values: backslash, quote, newline; the values read back intact', async () => {
    const r = await recordedReport('host');
    for (const s of HOSTILE) {
      const bad = hostile(r, s);
      const samples = parseProm(renderCheckPrometheus(bad));
      const host = wellFormed(s);
      expect(samples.every((x) => x.labels.host === host), s).to.be.true;
      expectReport(samples, { ...bad, hostname: host, target: `netns:${host}` });
    }
  });
});
