import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { NetnsHost, parseFramedFiles, READ_FILES_SCRIPT } from '../../src/host/netns.js';
import { LocalHost } from '../../src/host/local.js';
import { execLocal } from '../../src/host/spawn.js';

describe('NetnsHost', () => {
  describe('parseFramedFiles', () => {
    const nonce = '@mplsgre-0011223344556677';
    it('splits framed output back into files, keeping content exactly', () => {
      const out = `\n${nonce} ok 0\n2\n\n${nonce} err 1 ENOENT\n\n${nonce} ok 2\nno newline`;
      const r = parseFramedFiles(out, nonce, ['/a', '/b', '/c']);
      expect(r[0]).to.deep.include({ path: '/a', ok: true });
      expect(r[0]!.ok && r[0]!.data.toString()).to.equal('2\n');
      expect(r[1]).to.deep.equal({ path: '/b', ok: false, error: 'ENOENT' });
      expect(r[2]!.ok && r[2]!.data.toString()).to.equal('no newline');
    });
    it('a file whose content mimics a frame cannot forge one without the nonce', () => {
      const out = `\n${nonce} ok 0\n\n@mplsgre-ffff ok 1\nfake\n`;
      const r = parseFramedFiles(out, nonce, ['/a', '/b']);
      expect(r[0]!.ok && r[0]!.data.toString()).to.equal('\n@mplsgre-ffff ok 1\nfake\n');
      expect(r[1]!.ok).to.equal(false);
    });
  });

  describe('in a real network namespace on this machine', function () {
    const ns = `mplsgre-t-${randomBytes(3).toString('hex')}`;
    let want = '2';
    before(async function () {
      const r = await execLocal('ip', ['netns', 'add', ns]);
      if (r.failed) throw new Error(`cannot create a network namespace (root and iproute2 needed): ${r.stderr}`);
      const [mine] = await new LocalHost().readFiles(['/proc/sys/net/ipv4/conf/all/rp_filter']);
      // A value unlike this host's, so reading it proves the read happened inside.
      want = mine!.ok && mine!.data.toString().trim() === '2' ? '1' : '2';
      await execLocal('ip', ['netns', 'exec', ns, 'sysctl', '-qw', `net.ipv4.conf.all.rp_filter=${want}`]);
    });
    after(async () => {
      await execLocal('ip', ['netns', 'del', ns]);
    });

    it('reads net-scoped files inside the namespace, in one batch, and others locally', async () => {
      const host = new NetnsHost(ns);
      const local = await new LocalHost().readFiles(['/proc/sys/net/ipv4/conf/all/rp_filter']);
      const [inside, missing, osrelease, lo] = await host.readFiles([
        '/proc/sys/net/ipv4/conf/all/rp_filter', '/proc/sys/net/nope', '/proc/sys/kernel/osrelease', '/sys/class/net/lo/operstate',
      ]);
      expect(inside!.ok && inside!.data.toString().trim()).to.equal(want);
      expect(local[0]!.ok && local[0]!.data.toString().trim()).to.not.equal(want);
      expect(missing).to.deep.equal({ path: '/proc/sys/net/nope', ok: false, error: 'ENOENT' });
      expect(osrelease!.ok).to.equal(true);
      expect(lo!.ok && lo!.data.toString().trim()).to.equal('down');
    });

    it('runs commands inside the namespace', async () => {
      const r = await new NetnsHost(ns).exec('ip', ['-j', 'link', 'show']);
      expect(r.failed).to.equal(false);
      const links = JSON.parse(r.stdout) as { ifname: string }[];
      expect(links.map((l) => l.ifname)).to.deep.equal(['lo']);
    });

    it('the read script takes paths as arguments, never as code', async () => {
      const evil = '/tmp/$(touch /tmp/mplsgre-pwned)';
      const r = await execLocal('sh', ['-c', READ_FILES_SCRIPT, 'sh', 'N', evil]);
      expect(r.stdout).to.contain('N err 0 ENOENT');
      const pwned = await execLocal('test', ['-e', '/tmp/mplsgre-pwned']);
      expect(pwned.exitCode).to.equal(1);
    });
  });
});
