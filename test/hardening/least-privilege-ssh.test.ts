/**
 * Campaign: least privilege over ssh. Capabilities are checked where the changes happen: an
 * all-ssh topology needs CAP_NET_ADMIN on the remote hosts, not on this machine, so an engineer
 * without root here configures remote hosts; a remote user without it is refused before
 * anything changes, the host and what it lacks named. Real sshd in a test namespace.
 */
import { expect } from 'chai';
import { chmodSync, chownSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execLocal } from '../../src/host/spawn.js';
import { as, NOBODY } from '../support/as-user.js';
import { createSshLab, startSshd, type SshLab } from '../support/sshd.js';
import type { Background } from '../../src/host/host.js';
import { settled } from '../kernel/snapshot.js';

const NOBODY_UID = 65534;
const TUNNEL = `ls${process.pid % 1_000_000}`;


/**
 * The links, addresses and routes of sshd's namespace: what up on either remote host would change.
 * Read once IPv6 has settled there: until duplicate address detection ends, the link-local
 * address is `tentative` and its local route is not yet in the table, changes no command made.
 */
async function remoteState(netns: string): Promise<string> {
  await settled(netns);
  const out: string[] = [];
  for (const view of [['link', 'show'], ['address', 'show'], ['route', 'show', 'table', 'all']]) {
    out.push((await execLocal('ip', ['-n', netns, '-j', ...view], { timeoutMs: 10_000 })).stdout);
  }
  return out.join('\n');
}

const topologyFor = (a: string, b: string): string => [
  `tunnel: { name: ${TUNNEL}, overlay: 10.199.0.0/24 }`,
  'hosts:',
  `  A: { target: "${a}", underlay: 10.128.0.2, overlay: 10.199.0.1, label: 100 }`,
  `  B: { target: "${b}", underlay: 10.128.100.2, overlay: 10.199.0.2, label: 101 }`,
  '',
].join('\n');

describe('hardening: least privilege over ssh (capabilities checked where the change happens)', function () {
  this.timeout(300_000);
  let lab: SshLab | undefined;
  let lacking: Background | undefined;
  let dir: string;
  let env: Record<string, string>;
  let clientConfig: string;
  let allSsh: string;
  let remoteWithout: string;
  let mixed: string;

  before(async () => {
    lab = await createSshLab();
    await lab.addServer(2201);
    await lab.addServer(2202);
    // A remote whose logins lack CAP_NET_ADMIN: its sshd runs with the capability out of its bounding set.
    lacking = await startSshd(lab.dir, lab.netns, lab.address, 2203, { wrap: ['setpriv', '--bounding-set=-net_admin', '--'] });
    // nobody's own copy of the client key and config: ssh refuses a key its user cannot own.
    dir = mkdtempSync(join(tmpdir(), `mplsgre-lp-ssh-${process.pid}-`));
    chmodSync(dir, 0o755);
    for (const f of ['id', 'known_hosts']) copyFileSync(join(lab.dir, f), join(dir, f));
    clientConfig = join(dir, 'ssh_config');
    writeFileSync(clientConfig, readFileSync(join(lab.dir, 'ssh_config'), 'utf8').replaceAll(lab.dir, dir));
    for (const f of ['id', 'known_hosts', 'ssh_config']) {
      chownSync(join(dir, f), NOBODY_UID, NOBODY_UID);
      chmodSync(join(dir, f), 0o600);
    }
    const target = (port: number): string => `ssh:root@${lab!.address}:${port}`;
    allSsh = join(dir, 'all-ssh.yaml');
    writeFileSync(allSsh, topologyFor(target(2201), target(2202)));
    remoteWithout = join(dir, 'remote-without.yaml');
    writeFileSync(remoteWithout, topologyFor(target(2201), target(2203)));
    mixed = join(dir, 'mixed.yaml');
    writeFileSync(mixed, topologyFor(`netns:${lab.netns}`, target(2202)));
    env = { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin', HOME: dir, MPLSGRE_STATE_DIR: join(dir, 'state') };
  });

  after(async () => {
    await lacking?.stop('SIGTERM');
    await lab?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const command of ['down', 'verify']) {
    it(`${command} of an all-ssh topology as nobody: not refused for this machine's CAP_NET_ADMIN; the remote hosts are used`, async () => {
      const r = await as(NOBODY, [command, allSsh, '--ssh-config', clientConfig, '--json', ...(command === 'verify' ? ['--count', '1', '--no-mtu'] : [])], env);
      const doc = JSON.parse(r.stdout) as { result: unknown; error: { message: string } | null };
      expect(doc.error?.message ?? '', r.stderr).not.to.include('CAP_NET_ADMIN');
      expect(doc.error?.message ?? '', r.stderr).not.to.include('run as root');
      if (command === 'down') {
        // Nothing was up: down reached both remote hosts, found nothing recorded, removed nothing.
        expect(r.code, `${r.stdout}\n${r.stderr}`).to.equal(0);
        expect(doc.result).to.not.equal(null);
      } else {
        // No tunnel was ever set up: verify ran on the remote hosts and found that, exit 1, not an environment refusal.
        expect(r.code, `${r.stdout}\n${r.stderr}`).to.equal(1);
      }
    });
  }

  it('up of an all-ssh topology whose remote user lacks CAP_NET_ADMIN: exit 3 naming that host, nothing changed there', async () => {
    const before = await remoteState(lab!.netns);
    for (const prefix of [[], NOBODY]) {
      const r = await as(prefix, ['up', remoteWithout, '--ssh-config', clientConfig], env);
      expect(r.code, r.stderr).to.equal(3);
      expect(r.stderr).to.match(new RegExp(`^mplsgre up: up needs CAP_NET_ADMIN on ssh:root@${lab!.address.replaceAll('.', '\\.')}:2203 \\(the login there, uid 0, lacks it\\); nothing was changed$`, 'm'));
      expect(r.stderr).not.to.include(':2201');
    }
    expect(await remoteState(lab!.netns)).to.equal(before);
  });

  it('a topology with a local namespace target still needs CAP_NET_ADMIN here, checked before any host is contacted', async () => {
    const r = await as(NOBODY, ['up', mixed, '--ssh-config', clientConfig], env);
    expect(r.code, r.stderr).to.equal(3);
    expect(r.stderr).to.match(/^mplsgre up: up needs CAP_NET_ADMIN \(run as root\); nothing was changed/);
  });
});
