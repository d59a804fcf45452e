import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkCommand } from '../../src/commands/check.js';
import { LocalHost } from '../../src/host/local.js';
import { NetnsHost } from '../../src/host/netns.js';
import { parseEncodedFiles, READ_FILES_ENCODED_SCRIPT, SshHost } from '../../src/host/ssh.js';
import { EnvironmentError } from '../../src/core/errors.js';
import { parseTarget } from '../../src/core/target.js';
import { hostForTarget } from '../../src/host/targets.js';
import { runCli } from '../support/run-cli.js';
import { createSshLab, HOSTILE, type SshLab } from '../support/sshd.js';
import { ShellQuoteError } from '../../src/host/quote.js';

/** A remote process that outlives its output: stopping the local ssh must end it (SIGHUP). */
const LINGER = 'echo started; exec sleep 3071';
const PRINT_X = 'printf %s "$X"';

describe('SshHost against real sshd in a test namespace', function () {
  this.timeout(60_000);
  let lab: SshLab | undefined;
  let host: SshHost;
  const hosts: SshHost[] = [];
  const make = (port: number, extra: { overallTimeoutMs?: number } = {}): SshHost => {
    const h = new SshHost({ host: lab!.address, user: 'root', port, configFile: lab!.clientConfig, connectTimeoutS: 5, ...extra });
    hosts.push(h);
    return h;
  };

  before(async () => {
    lab = await createSshLab();
    await lab.addServer(2222);
    host = make(2222);
  });
  after(async () => {
    await Promise.all(hosts.map((h) => h.close()));
    await lab?.cleanup();
    if (lab) expect(existsSync(lab.dir)).to.equal(false);
  });

  it('probeReachable: a running sshd answers; an address with no sshd is unreachable with the reason', async () => {
    expect(await host.probeReachable()).to.include({ reachable: true });
    const dead = new SshHost({ host: lab!.deadAddress, user: 'root', configFile: lab!.clientConfig, connectTimeoutS: 3 });
    hosts.push(dead);
    const r = await dead.probeReachable();
    expect(r.reachable).to.equal(false);
    expect(!r.reachable && r.error).to.match(/Connection refused/);
    const e = await dead.exec('true', []);
    expect(e.failed).to.equal(true);
    expect(e.exitCode).to.equal(255);
  });

  it(`${HOSTILE.length} hostile words reach the remote command exactly (real remote shell)`, async () => {
    for (const s of HOSTILE) {
      const r = await host.exec('printf', ['%s', s]);
      expect(r.failed, `${JSON.stringify(s.slice(0, 40))}: ${r.stderr}`).to.equal(false);
      expect(r.stdout, JSON.stringify(s.slice(0, 40))).to.equal(s);
    }
    expect(existsSync('/tmp/mplsgre-quote-pwned')).to.equal(false);
    const env = await host.exec('sh', ['-c', PRINT_X], { env: { X: "$(id) 'q'" } });
    expect(env.stdout).to.equal("$(id) 'q'");
  });

  it('a word with NUL never reaches ssh: exec and start refuse it with ShellQuoteError (field argv), for arguments and environment', () => {
    for (const run of [
      () => host.exec('printf', ['%s', 'a\0b']),
      () => host.exec('true', [], { env: { X: 'a\0b' } }),
      () => host.start('printf', ['%s', '\0'], { timeoutMs: 5_000 }),
    ]) {
      expect(run).to.throw(ShellQuoteError).with.property('field', 'argv');
    }
  });

  it('readFiles: one batch, binary-safe (gzip and all 256 byte values), errors per file', async () => {
    const bin = join(lab!.dir, 'bytes.bin');
    const bytes = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(4096)]);
    await writeFile(bin, bytes);
    const paths = [bin, '/proc/sys/kernel/osrelease', join(lab!.dir, 'no such file'), '/proc/config.gz'];
    const [b, rel, missing, gz] = await host.readFiles(paths);
    expect(b!.ok && b!.data).to.deep.equal(bytes);
    expect(rel!.ok && rel!.data.toString()).to.equal(readFileSync('/proc/sys/kernel/osrelease', 'utf8'));
    expect(missing).to.deep.equal({ path: paths[2], ok: false, error: 'ENOENT' });
    if (existsSync('/proc/config.gz')) expect(gz!.ok && gz!.data).to.deep.equal(readFileSync('/proc/config.gz'));
  });

  it('readFiles falls back to od where the remote has no base64', async () => {
    const bin = join(lab!.dir, 'bytes2.bin');
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => 255 - i));
    await writeFile(bin, bytes);
    const path = join(lab!.dir, 'od-only');
    await mkdir(path);
    await symlink('/usr/bin/od', join(path, 'od'));
    const nonce = '@mplsgre-00ff00ff00ff00ff';
    const r = await host.exec('/bin/sh', ['-c', READ_FILES_ENCODED_SCRIPT, 'sh', nonce, bin], { env: { PATH: path } });
    expect(r.stdout).to.match(/ [0-9a-f]{2} [0-9a-f]{2}/);
    const [f] = parseEncodedFiles(r.stdout, nonce, [bin]);
    expect(f!.ok && f!.data).to.deep.equal(bytes);
  });

  it('check over ssh gives the verdicts of a local check of the same namespace and of this machine', async () => {
    const opts = { labels: [100, 101], iface: 'foo4', ignore: [], failOn: 'fail' as const };
    const [remote, inNs, local] = await Promise.all([
      checkCommand({ host, ...opts }),
      checkCommand({ host: new NetnsHost(lab!.netns), ...opts }),
      checkCommand({ host: new LocalHost(), ...opts }),
    ]);
    const verdicts = (r: typeof remote): [string, string][] => r.checks.map((c) => [c.id, c.status]);
    expect(remote.target).to.equal(`ssh:root@${lab!.address}:2222`);
    expect(remote.kernel).to.equal(local.kernel);
    expect(remote.checks.map((c) => [c.id, c.status, c.summary])).to.deep.equal(inNs.checks.map((c) => [c.id, c.status, c.summary]));
    expect(verdicts(remote)).to.deep.equal(verdicts(local));
    expect(remote.ready).to.equal(local.ready);
  });

  it('start: output lines arrive; stop ends the remote process too', async () => {
    const bg = host.start('sh', ['-c', LINGER], { timeoutMs: 20_000 });
    await bg.waitForLine(/started/, 10_000);
    const lingering = async (): Promise<boolean> => (await host.exec('pgrep', ['-a', '-x', 'sleep'])).stdout.includes('sleep 3071');
    expect(await lingering()).to.equal(true);
    await bg.stop();
    let gone = false;
    for (let i = 0; i < 50 && !gone; i++) {
      gone = !(await lingering());
      if (!gone) await new Promise((r) => setTimeout(r, 100));
    }
    expect(gone, 'remote sleep still running after stop').to.equal(true);
  });

  it('an overall timeout bounds every command of the host', async () => {
    const h = make(2222, { overallTimeoutMs: 1_500 });
    const r = await h.exec('sleep', ['5'], { timeoutMs: 10_000 });
    expect(r.timedOut).to.equal(true);
    expect(r.durationMs).to.be.below(4_000);
    const after = await h.exec('true', []);
    expect(after.failed && after.timedOut).to.equal(true);
  });

  it('close() ends the control master and removes its socket directory', async () => {
    const h = make(2222);
    expect((await h.probeReachable()).reachable).to.equal(true);
    const check = await h.exec('true', []);
    const dir = check.argv.find((a) => a.startsWith('ControlPath='))!.slice('ControlPath='.length).replace(/\/%C$/, '');
    expect(existsSync(dir)).to.equal(true);
    await h.close();
    expect(existsSync(dir)).to.equal(false);
    expect((await h.exec('true', [])).failed).to.equal(true);
  });

  it('hostForTarget: a reachable ssh target gives an SshHost; an unreachable one an environment error', async () => {
    const h = await hostForTarget(parseTarget(`ssh:root@${lab!.address}:2222`, 't'), { configFile: lab!.clientConfig });
    expect(h).to.be.instanceOf(SshHost);
    hosts.push(h as SshHost);
    expect((await h.exec('printf', ['%s', 'ok'])).stdout).to.equal('ok');
    const err = await hostForTarget(parseTarget(`ssh:root@${lab!.deadAddress}`, 't'), { configFile: lab!.clientConfig }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(EnvironmentError);
    expect((err as Error).message).to.match(/not reachable: .*Connection refused/);
  });

  describe('check --ssh (CLI)', () => {
    it('--ssh with --netns is a usage error naming --ssh (exit 2)', async () => {
      const r = await runCli(['check', '--ssh', 'root@198.18.0.2', '--netns', 'x', '--json']);
      expect(r.code).to.equal(2);
      expect((JSON.parse(r.stdout) as { error: { field: string } }).error.field).to.equal('--ssh');
    });
    for (const bad of ['', '-oProxyCommand=touch /tmp/x', 'root@', 'a b', 'host:99999']) {
      it(`--ssh ${JSON.stringify(bad)} is refused (exit 2)`, async () => {
        const r = await runCli(['check', `--ssh=${bad}`, '--json']);
        expect(r.code).to.equal(2);
        expect((JSON.parse(r.stdout) as { error: { field: string } }).error.field).to.equal('--ssh');
      });
    }
    it('an unreachable --ssh host is an environment error (exit 3) with ssh\'s reason', async () => {
      const r = await runCli(['check', '--ssh', `root@${lab!.deadAddress}:2222`, '--json']);
      expect(r.code).to.equal(3);
      expect((JSON.parse(r.stdout) as { error: { message: string } }).error.message).to.match(/not reachable: .*Connection refused/);
    });
  });
});
