import { expect } from 'chai';
import type { CheckReport } from '../../src/commands/check.js';
import { renderCheckJunit, renderFleetJunit } from '../../src/report/junit.js';
import { allRecordedReports, carried, hostile, HOSTILE, recordedReport } from './support/reports.js';
import { elements, parseXml, textOf, type XmlElement } from './support/xml.js';

const num = (e: XmlElement, k: string): number => Number(e.attrs[k]);

function expectSuite(suite: XmlElement, r: CheckReport): void {
  const cases = elements(suite, 'testcase');
  const failing = r.checks.filter((c) => c.status === 'fail' || c.status === 'error' || (c.status === 'warn' && r.options.failOn === 'warn'));
  expect(cases.length, 'one testcase per check').to.equal(r.checks.length);
  expect(num(suite, 'tests')).to.equal(r.checks.length);
  expect(num(suite, 'failures')).to.equal(failing.length);
  expect(num(suite, 'errors')).to.equal(0);
  expect(num(suite, 'skipped')).to.equal(r.tally.skip);
  expect(suite.attrs.time).to.match(/^[0-9]+\.[0-9]{3}$/);
  expect(suite.attrs.timestamp).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
  r.checks.forEach((c, i) => {
    const tc = cases[i]!;
    expect(tc.attrs.classname).to.equal(r.hostname);
    expect(tc.attrs.name).to.equal(c.id);
    const [failure] = elements(tc, 'failure');
    if (failing.includes(c)) {
      expect(failure, c.id).to.exist;
      expect(failure!.attrs.message, 'the fix').to.equal(c.remediation);
      expect(failure!.attrs.type).to.equal(c.status);
      expect(textOf(failure!)).to.include(c.summary);
    } else {
      expect(failure, c.id).to.equal(undefined);
    }
    expect(elements(tc, 'skipped').length).to.equal(c.status === 'skip' ? 1 : 0);
    if (c.status === 'warn' && r.options.failOn === 'fail') expect(textOf(elements(tc, 'system-out')[0]!)).to.include(c.summary);
  });
}

describe('JUnit report', () => {
  it('every recorded report: well-formed, one testcase per check, failures = fail + error', async () => {
    for (const { name, report } of await allRecordedReports()) {
      const root = parseXml(renderCheckJunit(report));
      expect(root.name, name).to.equal('testsuites');
      const [suite] = elements(root, 'testsuite');
      expectSuite(suite!, report);
      expect(num(root, 'tests')).to.equal(num(suite!, 'tests'));
      expect(num(root, 'failures')).to.equal(num(suite!, 'failures'));
    }
  });

  it('a warning is a pass with <system-out>, and a failure when the run used --fail-on warn', async () => {
    const r = await recordedReport('host');
    const warn = r.checks.find((c) => c.status === 'warn')!;
    expect(warn, 'host has a warning (kernel.mpls_gso)').to.exist;
    const strict: CheckReport = { ...r, options: { ...r.options, failOn: 'warn' } };
    const suite = elements(parseXml(renderCheckJunit(strict)), 'testsuite')[0]!;
    expectSuite(suite, strict);
    expect(num(suite, 'failures')).to.equal(r.tally.fail + r.tally.error + r.tally.warn);
  });

  it('skip becomes <skipped/>', async () => {
    const r = await recordedReport('uml-seed');
    const skipped: CheckReport = { ...r, checks: r.checks.map((c, i) => (i === 0 ? { ...c, status: 'skip' as const } : c)), tally: { ...r.tally, pass: r.tally.pass - 1, skip: r.tally.skip + 1 } };
    expectSuite(elements(parseXml(renderCheckJunit(skipped)), 'testsuite')[0]!, skipped);
  });

  it('fleet: one testsuite per host, the sums on <testsuites>', async () => {
    const all = (await allRecordedReports()).map((x) => x.report);
    const root = parseXml(renderFleetJunit(all));
    const suites = elements(root, 'testsuite');
    expect(suites.length).to.equal(all.length);
    suites.forEach((s, i) => expectSuite(s, all[i]!));
    for (const k of ['tests', 'failures', 'errors', 'skipped']) expect(num(root, k), k).to.equal(suites.reduce((n, s) => n + num(s, k), 0));
    expect(new Set(suites.map((s) => s.attrs.id)).size).to.equal(all.length);
  });

  it('escapes hostile host strings: still well-formed, values intact', async () => {
    const r = await recordedReport('uml-seed-rpfilter-strict');
    for (const s of HOSTILE) {
      const bad = hostile(r, s);
      const root = parseXml(renderCheckJunit(bad));
      const suite = elements(root, 'testsuite')[0]!;
      expect(suite.attrs.hostname, s).to.equal(carried(s));
      expect(elements(suite, 'testcase').map((t) => t.attrs.classname)).to.deep.equal(r.checks.map(() => carried(s)));
      expect(elements(suite, 'testcase').length).to.equal(r.checks.length);
    }
  });
});
