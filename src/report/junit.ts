import type { CheckReport } from '../commands/check.js';
import type { UnreachableHost } from '../commands/fleet.js';
import type { CheckResult } from '../core/check.js';
import { escapeXml, escapeXmlAttr as a } from './escape.js';

/**
 * JUnit XML for CI (Jenkins, GitLab, GitHub test reporters): one <testsuite> per host, one
 * <testcase> per check (classname = hostname, name = check id). Mapping:
 * - fail, error: <failure message="REMEDIATION" type="fail|error"> with the summary and evidence;
 * - warn: passed, summary in <system-out>; a <failure type="warn"> when the run used
 *   `--fail-on warn` (then a warning makes the host not ready, and CI must see it fail);
 * - skip: <skipped message="SUMMARY"/>; pass: an empty testcase.
 * `errors` counts only hosts a fleet could not reach: each is a testsuite with one testcase `connect`
 * holding an <error> with the reason (a check that could not run is a finding, reported as a failure).
 */

const seconds = (ms: number): string => (Math.max(0, ms) / 1000).toFixed(3);

/** JUnit's XSD wants local time without a zone; reports keep UTC, so the zone is dropped, not converted. */
const junitTimestamp = (iso: string): string => iso.replace(/\.\d+Z$|Z$/, '');

const fails = (c: CheckResult, r: CheckReport): boolean => c.status === 'fail' || c.status === 'error' || (c.status === 'warn' && r.options.failOn === 'warn');

function body(c: CheckResult): string {
  return [c.summary, ...c.evidence.map((e) => `${e.source}: ${e.value}`)].join('\n');
}

function testcase(r: CheckReport, c: CheckResult): string {
  const open = `    <testcase classname="${a(r.hostname)}" name="${a(c.id)}" time="${seconds(c.durationMs)}"`;
  if (fails(c, r)) {
    return `${open}>\n      <failure message="${a(c.remediation ?? c.summary)}" type="${c.status}">${escapeXml(body(c))}</failure>\n    </testcase>`;
  }
  if (c.status === 'skip') return `${open}>\n      <skipped message="${a(c.summary)}"/>\n    </testcase>`;
  if (c.status === 'warn') return `${open}>\n      <system-out>${escapeXml(`warn: ${body(c)}`)}</system-out>\n    </testcase>`;
  return `${open}/>`;
}

interface Counts { tests: number; failures: number; skipped: number; ms: number }

function counts(r: CheckReport): Counts {
  return {
    tests: r.checks.length,
    failures: r.checks.filter((c) => fails(c, r)).length,
    skipped: r.checks.filter((c) => c.status === 'skip').length,
    ms: r.durationMs,
  };
}

const countAttrs = (k: Counts): string => `tests="${k.tests}" failures="${k.failures}" errors="0" skipped="${k.skipped}" time="${seconds(k.ms)}"`;

function testsuite(r: CheckReport, id: number): string {
  const props = [
    ['target', r.target], ['kernel', r.kernel ?? 'unknown'], ['ready', String(r.ready)], ['failOn', r.options.failOn],
    ...(r.options.iface ? [['iface', r.options.iface]] : []),
    ...(r.options.labels.length ? [['labels', r.options.labels.join(',')]] : []),
  ] as const;
  return [
    `  <testsuite id="${id}" name="${a(`mplsgre check ${r.hostname} (${r.target})`)}" hostname="${a(r.hostname)}" timestamp="${a(junitTimestamp(r.startedAt))}" ${countAttrs(counts(r))}>`,
    '    <properties>',
    ...props.map(([k, v]) => `      <property name="${k}" value="${a(v)}"/>`),
    '    </properties>',
    ...r.checks.map((c) => testcase(r, c)),
    '  </testsuite>',
  ].join('\n');
}

/** A host a fleet could not reach: a testsuite with one errored `connect` testcase. */
function lostSuite(u: UnreachableHost, id: number): string {
  const what = u.timedOut ? 'timed out' : 'unreachable';
  return [
    `  <testsuite id="${id}" name="${a(`mplsgre check ${u.target}`)}" hostname="${a(u.target)}" tests="1" failures="0" errors="1" skipped="0" time="${seconds(u.durationMs)}">`,
    `    <testcase classname="${a(u.target)}" name="connect" time="${seconds(u.durationMs)}">`,
    `      <error message="${a(`${what}: ${u.error}`)}" type="${what}">${escapeXml(u.error)}</error>`,
    '    </testcase>',
    '  </testsuite>',
  ].join('\n');
}

/** Many hosts: one <testsuites> with the sums, one <testsuite> per host (unreachable hosts first). */
export function renderFleetJunit(reports: readonly CheckReport[], name = 'mplsgre check', unreachable: readonly UnreachableHost[] = []): string {
  const all = reports.map(counts).reduce((s, k) => ({ tests: s.tests + k.tests, failures: s.failures + k.failures, skipped: s.skipped + k.skipped, ms: s.ms + k.ms }), { tests: 0, failures: 0, skipped: 0, ms: 0 });
  const lostMs = unreachable.reduce((s, u) => s + u.durationMs, 0);
  const sums = `tests="${all.tests + unreachable.length}" failures="${all.failures}" errors="${unreachable.length}" skipped="${all.skipped}" time="${seconds(all.ms + lostMs)}"`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${a(name)}" ${sums}>`,
    ...unreachable.map(lostSuite),
    ...reports.map((r, i) => testsuite(r, unreachable.length + i)),
    '</testsuites>',
    '',
  ].join('\n');
}

/** `mplsgre check --format junit`. */
export const renderCheckJunit = (r: CheckReport): string => renderFleetJunit([r]);
