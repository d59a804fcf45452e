/**
 * Campaign: least privilege. check, diagnose, capture decode and plan work for an unprivileged
 * user (nobody) and say what needs root; up, verify and down refuse before touching any host,
 * exit 3 naming CAP_NET_ADMIN, both as nobody and as root without CAP_NET_ADMIN, and change nothing
 * in the two namespaces the topology names.
 */
import { expect } from 'chai';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execLocal } from '../../src/host/spawn.js';
import { as, NOBODY } from '../support/as-user.js';
import { ROOT } from '../support/fixtures.js';

const NO_NET_ADMIN = ['setpriv', '--inh-caps=-all', '--bounding-set=-net_admin', '--'];
const NS = [`mplsgre-lp-${process.pid}-a`, `mplsgre-lp-${process.pid}-b`];
const TUNNEL = `lp${process.pid % 1_000_000}`;


async function ip(args: string[]): Promise<string> {
  const r = await execLocal('ip', args, { timeoutMs: 10_000 });
  return r.failed ? `failed: ${r.stderr.trim()}` : r.stdout;
}

/** Everything up could have changed: both namespaces' links, addresses and routes, the root namespace's tunnel, the state dir. */
async function snapshot(stateDir: string): Promise<Record<string, string>> {
  const s: Record<string, string> = {};
  for (const ns of NS) {
    for (const view of [['link', 'show'], ['address', 'show'], ['route', 'show', 'table', 'all'], ['-6', 'route', 'show', 'table', 'all']]) {
      s[`${ns} ${view.join(' ')}`] = await ip(['-n', ns, '-j', ...view]);
    }
  }
  s[`root ${TUNNEL}`] = await ip(['-j', 'link', 'show', 'dev', TUNNEL]);
  s['state'] = readdirSync(stateDir, { recursive: true, encoding: 'utf8' }).join('\n');
  return s;
}

describe('hardening: least privilege (real processes as nobody and without CAP_NET_ADMIN)', function () {
  this.timeout(300_000);
  let dir: string;
  let topology: string;
  let env: Record<string, string>;
  let initial: Record<string, string>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), `mplsgre-lp-${process.pid}-`));
    chmodSync(dir, 0o755); // nobody reads the topology; the state dir inside stays root's
    const stateDir = join(dir, 'state');
    mkdirSync(stateDir, { mode: 0o700 });
    for (const ns of NS) {
      const r = await execLocal('ip', ['netns', 'add', ns], { timeoutMs: 10_000 });
      expect(r.failed, r.stderr).to.equal(false);
    }
    topology = join(dir, 'topology.yaml');
    writeFileSync(topology, [
      `tunnel: { name: ${TUNNEL}, overlay: 10.199.0.0/24 }`,
      'hosts:',
      `  A: { target: "netns:${NS[0]}", underlay: 10.128.0.2, overlay: 10.199.0.1, label: 100 }`,
      `  B: { target: "netns:${NS[1]}", underlay: 10.128.100.2, overlay: 10.199.0.2, label: 101 }`,
      '',
    ].join('\n'));
    // Only PATH and the state dir: no inherited variable decides the outcome.
    env = { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', MPLSGRE_STATE_DIR: stateDir };
    initial = await snapshot(stateDir);
  });

  after(async () => {
    for (const ns of NS) await execLocal('ip', ['netns', 'del', ns], { timeoutMs: 10_000 });
    rmSync(dir, { recursive: true, force: true });
  });

  it('check as nobody: runs every check, and host.privileges says up, down and verify need root', async () => {
    const r = await as(NOBODY, ['check', '--json'], env);
    expect(r.code, r.stderr).to.be.oneOf([0, 1]);
    const doc = JSON.parse(r.stdout) as { result: { checks: { id: string; status: string; summary: string; fix?: string }[] } };
    expect(doc.result.checks.length).to.be.at.least(10);
    expect(doc.result.checks.filter((c) => c.status === 'error')).to.deep.equal([]);
    const priv = doc.result.checks.find((c) => c.id === 'host.privileges')!;
    expect(priv.status).to.equal('warn');
    expect(priv.summary).to.include('CAP_NET_ADMIN');
    const text = await as(NOBODY, ['check'], env);
    expect(text.stdout).to.match(/run mplsgre up, down and verify as root/);
  });

  it('diagnose as nobody: a permission error is diagnosed as the missing CAP_NET_ADMIN, with the evidence', async () => {
    const r = await as(NOBODY, ['diagnose', 'RTNETLINK answers: Operation not permitted', '--json'], env);
    expect(r.code, r.stderr).to.equal(0);
    const text = await as(NOBODY, ['diagnose', 'RTNETLINK answers: Operation not permitted'], env);
    expect(text.stdout).to.match(/not_privileged \(certain\)/);
    expect(text.stdout).to.include('CAP_NET_ADMIN');
    expect(text.stdout).to.include('uid 65534');
  });

  it('capture decode and plan as nobody: the same output as root', async () => {
    const pcap = join(ROOT, 'test', 'fixtures', 'captures', 'gre-veth.pcap');
    for (const args of [['capture', 'decode', pcap, '--json'], ['plan', topology]]) {
      const [nobody, root] = [await as(NOBODY, args, env), await as([], args, env)];
      expect(nobody.code, nobody.stderr).to.equal(0);
      expect(nobody).to.deep.equal(root);
    }
  });

  for (const [who, prefix] of [['nobody', NOBODY], ['root without CAP_NET_ADMIN', NO_NET_ADMIN]] as const) {
    for (const command of ['up', 'verify', 'down']) {
      it(`${command} as ${who}: exit 3 naming CAP_NET_ADMIN, before any namespace is entered`, async () => {
        const r = await as(prefix, [command, topology], env);
        expect(r.code, r.stderr).to.equal(3);
        expect(r.stderr).to.match(new RegExp(`^mplsgre ${command}: ${command} needs CAP_NET_ADMIN.*nothing was changed`));
        const j = await as(prefix, [command, topology, '--json'], env);
        expect((JSON.parse(j.stdout) as { error: { code: string; exitCode: number; message: string } }).error).to.deep.include({ code: 'environment', exitCode: 3 });
      });
    }
  }

  it('capabilities are checked before a target is contacted: a missing namespace does not mask CAP_NET_ADMIN', async () => {
    const absent = join(dir, 'absent.yaml');
    writeFileSync(absent, readFileSync(topology, 'utf8').replaceAll(`netns:${NS[0]}`, `netns:${NS[0]}-absent`).replaceAll(`netns:${NS[1]}`, `netns:${NS[1]}-absent`));
    for (const command of ['up', 'verify', 'down']) {
      const r = await as(NO_NET_ADMIN, [command, absent], env);
      expect(r.code, r.stderr).to.equal(3);
      expect(r.stderr).to.include('CAP_NET_ADMIN');
    }
  });

  it('bad input still comes first without privileges: exit 2 naming the field', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, `tunnel: { name: ${TUNNEL}, overlay: 10.199.0.0/24 }\nhosts:\n  A: { target: "netns:${NS[0]}", underlay: 10.128.0.2, overlay: 10.199.0.1, label: 3 }\n  B: { target: "netns:${NS[1]}", underlay: 10.128.100.2, overlay: 10.199.0.2, label: 101 }\n`);
    const r = await as(NOBODY, ['up', bad], env);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/^mplsgre up: hosts\.A\.label: /);
  });

  it('nothing changed: the namespaces, the root namespace and the state dir are as before', async () => {
    expect(await snapshot(env.MPLSGRE_STATE_DIR!)).to.deep.equal(initial);
    expect(initial[`${NS[0]} link show`]).to.include('"ifname":"lo"');
  });
});
