import { expect } from 'chai';
import { runGuest } from '../support/guest.js';
import type { ApplyResult } from '../../src/engine/apply.js';
import type { RemoveResult } from '../../src/engine/remove.js';
import type { VerifyResult } from '../../src/engine/verify.js';
import { DEFAULT_TCP_BYTES_SSH } from '../../src/engine/verify/types.js';
import type { SshScenario, TimedRun } from './guest-ssh.js';

/** The seed topology deployed as it is meant to be: two hosts reached over ssh, on a real 6.1 kernel (user-mode Linux). */
describe('kernel tier: up, verify, down across two ssh hosts in user-mode Linux', function () {
  this.timeout(1_000_000);
  let s: SshScenario;
  const run = (name: string): TimedRun => {
    const r = s.runs.find((x) => x.name === name);
    expect(r, `${name} ran`).to.exist;
    return r!;
  };
  const result = <T>(name: string): T => (run(name).json as { result: T }).result;

  before(async () => {
    s = await runGuest<SshScenario>(new URL('./guest-ssh.js', import.meta.url), 'sshScenarios', 900_000);
    // The figures the README quotes; never asserted (timings belong in benches).
    for (const r of s.runs) console.log(`      ${r.name.padEnd(13)} ${String(r.ms).padStart(6)} ms  exit ${r.code}`);
  });

  it('the remote commands get a terminal (so a dropped connection hangs up what start() runs)', () => {
    expect(s.facts.remoteTty).to.match(/^\/dev\/pts\/\d+$/);
  });

  it('check over ssh of a fresh host (MPLS modules loadable, found by the one batched command) gives the verdicts of a check of the same namespace', () => {
    const f = s.facts.freshCheck as { reachable: boolean; ssh: string[][]; netns: string[][]; tools: unknown };
    expect(f.reachable).to.equal(true);
    // The tools' 3 s bound can pass or not on a loaded guest, on either side: their status must agree.
    const nonTool = (v: string[][]): string[][] => v.map((c) => (c[0]!.startsWith('tool.') ? c.slice(0, 2) : c));
    expect(nonTool(f.ssh), JSON.stringify(f.tools)).to.deep.equal(nonTool(f.netns));
    expect(f.ssh.find((c) => c[0] === 'kernel.mpls_router')?.[2]).to.match(/^loadable, not loaded/);
  });

  it('up over ssh configures both ends (exit 0)', () => {
    expect(run('ssh-up').code, `${run('ssh-up').stderr}${JSON.stringify(run('ssh-up').json).slice(0, 3_000)}`).to.equal(0);
    const r = result<ApplyResult>('ssh-up');
    expect(r.ok).to.equal(true);
    expect(r.changed).to.be.greaterThan(10);
    expect(JSON.stringify(s.snapshots.sshUpA!.mpls)).to.contain('"dst":"101"');
  });

  it('each host holds the record of what up changed there (read over ssh; absent from this machine): 0600, named by its ssh target', () => {
    expect(s.facts.localStateDuringUp, 'records on the operator\'s machine').to.deep.equal([]);
    const st = s.facts.stateAfterUp as Record<string, { mode: string; target: string; host: string; changed: number } | null>;
    for (const [name, target] of Object.entries(s.targets)) {
      expect(st[target], `record of ${target}`).to.not.equal(null);
      expect(st[target]).to.include({ mode: '600', target, host: name });
      expect(st[target]!.changed).to.be.greaterThan(3);
    }
  });

  it('verify over ssh proves both directions from the remote captures: 100 A->B and 101 B->A inside GRE', () => {
    const r = result<VerifyResult>('ssh-verify');
    expect(run('ssh-verify').code, `${run('ssh-verify').stderr}${JSON.stringify(r?.directions ?? run('ssh-verify').json).slice(0, 3_000)}`).to.equal(0);
    const [ab, ba] = r.directions;
    expect([ab!.from, ab!.to, ab!.label, ba!.from, ba!.label]).to.deep.equal(['A', 'B', 100, 'B', 101]);
    for (const d of r.directions) {
      expect(d.ok, d.explanation).to.equal(true);
      expect(d.received).to.equal(10);
      expect(d.labelsSeen).to.deep.equal([d.label]);
      expect(d.onWireInGre).to.be.at.least(10);
      expect(d.repliesInGre).to.be.at.least(10);
      expect(d.mtu?.largestPayload).to.equal(1444);
      // Over ssh the hosts' own python3 runs the TCP endpoints: every byte, labelled in GRE.
      expect(d.tcp?.ok, d.tcp?.reason).to.equal(true);
      // Over ssh the default transfer is the smaller one: the captures come back over the connection.
      expect([d.tcp?.bytes, d.tcp?.digestMatch]).to.deep.equal([DEFAULT_TCP_BYTES_SSH, true]);
      expect(d.tcp?.segmentsInGre).to.be.greaterThan(100);
    }
    expect(r.skipped).to.deep.equal([]);
    // tcpdump's own count came back through the terminal: it was stopped by SIGINT, not killed.
    for (const c of r.captures) expect(c.captured, c.host).to.be.at.least(40);
  });

  it('verify leaves no tcpdump, ping or ssh process and no capture directory behind; down no process', () => {
    expect(s.facts.processesAfterVerify).to.equal('');
    expect(s.facts.processesAfterDown).to.equal('');
    expect(s.facts.captureDirsLeft, 'remote capture directories').to.deep.equal([]);
  });

  it('down over ssh removes everything, restores the sysctls, and the record on each host is gone', () => {
    expect(run('ssh-down').code, run('ssh-down').stderr).to.equal(0);
    const r = result<RemoveResult>('ssh-down');
    expect(r.ok).to.equal(true);
    expect(r.unrecorded).to.deep.equal([]);
    expect(r.undone).to.equal(result<ApplyResult>('ssh-up').changed);
    expect(s.facts.stateAfterDown).to.deep.equal(Object.fromEntries(Object.values(s.targets).map((t) => [t, ''])));
    expect(s.snapshots.sshAfterA).to.deep.equal(s.snapshots.beforeA);
    expect(s.snapshots.sshAfterB).to.deep.equal(s.snapshots.beforeB);
  });

  it('the same namespaces as netns targets: up, verify, down pass and leave them as they were', () => {
    for (const n of ['netns-up', 'netns-verify', 'netns-down']) expect(run(n).code, `${n}: ${run(n).stderr}`).to.equal(0);
    expect(s.snapshots.netnsAfterA).to.deep.equal(s.snapshots.beforeA);
    expect(s.snapshots.netnsAfterB).to.deep.equal(s.snapshots.beforeB);
    expect(s.facts.stateLeft).to.equal('');
  });
});
