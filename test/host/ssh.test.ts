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
import { hostStateBackend, StateStore } from '../../src/engine/state.js';
import { execLocal } from '../../src/host/spawn.js';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { runCli } from '../support/run-cli.js';
import { createSshLab, HOSTILE, type SshLab } from '../support/sshd.js';
import { ShellQuoteError } from '../../src/host/quote.js';
import { BATCH_SCRIPT } from '../../src/host/ssh-batch.js';

/** A remote process that outlives its output: stopping the local ssh must end it (SIGHUP). */
const LINGER = 'echo started; exec sleep 3071';
const PRINT_X = 'printf %s "$X"';
/** Exits 7 on SIGINT; $1 names its sleep so the test finds it among the machine's processes. */
const TRAP_INT = 'trap "echo got-INT; exit 7" INT; echo started; sleep "$1" & wait';

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

  it('probeReachable with files to read: the command that proves the host answers brings them back', async () => {
    const r = await make(2222).probeReachable('command', ['/proc/self/status', '/nonexistent/mplsgre']);
    expect(r.reachable).to.equal(true);
    const files = r.reachable ? r.files ?? [] : [];
    expect(files.map((f) => [f.path, f.ok])).to.deep.equal([['/proc/self/status', true], ['/nonexistent/mplsgre', false]]);
    expect(files[0]!.ok && files[0]!.data.toString('utf8')).to.match(/^CapEff:\s*[0-9a-f]+$/m);
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

  it('check over ssh is one remote command for every read known in advance, one more for the state records of the interfaces found: not one per read (reachability runs none)', async () => {
    const server = await lab!.addServer(2223, { workingShell: { burnMs: 0 } });
    const h = make(2223);
    expect(await h.probeReachable()).to.include({ reachable: true });
    expect(await server.commands!(), 'reachability: ssh -N').to.deep.equal([]);
    const opts = { labels: [100, 101], iface: 'foo4', ignore: [], failOn: 'fail' as const };
    const [remote, inNs] = await Promise.all([checkCommand({ host: h, ...opts }), checkCommand({ host: new NetnsHost(lab!.netns), ...opts })]);
    const commands = await server.commands!();
    // boot.persistence reads each interface's state record, named by what /proc/net/dev listed
    expect(commands, commands.join('\n')).to.have.length(2);
    expect(commands[0]).to.contain(BATCH_SCRIPT.slice(0, 60));
    expect(commands[1]).to.contain('base64 <"$f"');
    expect(remote.checks.map((c) => [c.id, c.status, c.summary])).to.deep.equal(inNs.checks.map((c) => [c.id, c.status, c.summary]));
    // A second probe finds the control master up: still no remote command.
    expect(await h.probeReachable()).to.include({ reachable: true });
    expect(await server.commands!()).to.have.length(2);
  });

  it('check --classes over ssh: the class reads join the one batched command (still two remote commands), with the verdicts of the same namespace', async () => {
    const server = await lab!.addServer(2229, { workingShell: { burnMs: 0 } });
    const h = make(2229);
    const opts = { labels: [100, 101], iface: 'foo4', ignore: [], failOn: 'fail' as const, classes: true };
    const [remote, inNs] = await Promise.all([checkCommand({ host: h, ...opts }), checkCommand({ host: new NetnsHost(lab!.netns), ...opts })]);
    const commands = await server.commands!();
    expect(commands, commands.join('\n')).to.have.length(2);
    const cls = (r: typeof remote): string[][] => r.checks.filter((c) => c.id.startsWith('class.')).map((c) => [c.id, c.status, c.summary]);
    expect(cls(remote).map((c) => c[1])).to.not.include('skip');
    expect(cls(remote)).to.deep.equal(cls(inNs));
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

  /** A remote process unique to one test: pgrep sees the whole machine, other runs included. */
  const unique = (): string => String(3000 + Math.floor(Math.random() * 60_000));
  const running = async (n: string): Promise<boolean> => (await execLocal('pgrep', ['-f', `^sleep ${n}$`])).exitCode === 0;
  const started = async (n: string): Promise<boolean> => {
    for (let i = 0; i < 100; i++) {
      if (await running(n)) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  };
  const gone = async (n: string): Promise<boolean> => {
    for (let i = 0; i < 100; i++) {
      if (!(await running(n))) return true;
      await new Promise((r) => setTimeout(r, 100));
    }
    return false;
  };

  it('start: stop(SIGINT) delivers SIGINT to the remote process itself (tcpdump flushes on it)', async () => {
    const n = unique();
    const bg = host.start('sh', ['-c', TRAP_INT, 'sh', n], { timeoutMs: 30_000 });
    await bg.waitForLine(/started/, 10_000);
    expect(await running(n)).to.equal(true);
    const r = await bg.stop('SIGINT');
    expect(r.stdout).to.match(/got-INT/);
    expect(r.exitCode, r.stdout).to.equal(7);
    await execLocal('pkill', ['-f', `^sleep ${n}$`]);
  });

  it('start: the local ssh killed outright (an interrupted run) ends the remote process (hang-up)', async () => {
    const n = unique();
    const bg = host.start('sleep', [n], { timeoutMs: 30_000 });
    await bg.waitForLine(/^@mplsgre-pid-\w+ \d+/, 10_000);
    expect(await started(n)).to.equal(true);
    process.kill(bg.pid!, 'SIGKILL');
    await bg.done;
    expect(await gone(n), 'remote sleep still running after its ssh died').to.equal(true);
  });

  it('start: the remote side bounds the process by itself (timeout exits 124 before the local bound)', async () => {
    const n = unique();
    const bg = host.start('sleep', [n], { timeoutMs: 1_000 });
    const r = await bg.done;
    expect(r.exitCode, r.stdout).to.equal(124);
    expect(await gone(n)).to.equal(true);
  });

  it('start: SIGTERM to a process with remote commands running ends them, and the process dies by it', async () => {
    const n = unique();
    const ssh = new URL('../../src/host/ssh.js', import.meta.url).href;
    const script = `import { SshHost } from ${JSON.stringify(ssh)};
const h = new SshHost({ host: ${JSON.stringify(lab!.address)}, user: 'root', port: 2222, configFile: ${JSON.stringify(lab!.clientConfig)} });
const bg = h.start('sleep', [${JSON.stringify(n)}], { timeoutMs: 60000 });
await bg.waitForLine(/^@mplsgre-pid/, 10000);
console.log('ready');
setInterval(() => {}, 1000);`;
    const { startLocal } = await import('../../src/host/spawn.js');
    const child = startLocal(process.execPath, ['--input-type=module', '-e', script], { timeoutMs: 30_000 });
    await child.waitForLine(/ready/, 15_000);
    expect(await started(n)).to.equal(true);
    const r = await child.stop('SIGTERM');
    expect(r.signal).to.equal('SIGTERM');
    expect(await gone(n), 'remote sleep still running after mplsgre was terminated').to.equal(true);
  });

  it('the state record of an ssh target lives on that host: atomic 0600 file, hostile tunnel name intact', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mplsgre-ssh-state-'));
    try {
      const store = new StateStore(join(dir, 'st'), () => hostStateBackend(host));
      const mark = `PWNED-${process.pid}`;
      const tunnel = `x'$(touch ${mark})\`touch ${mark}\`;"*`;
      const s = { tunnel, host: 'B', target: host.name, updatedAt: new Date().toISOString(), steps: [{ id: 'B.link', outcome: 'changed' as const }] };
      await store.save(s);
      // The namespace's sshd shares this machine's files: the record is where the remote wrote it.
      const files = await readdir(join(dir, 'st'));
      expect(files).to.deep.equal([`${tunnel}@${host.name.replace(/[^A-Za-z0-9._-]/g, '_')}.json`]);
      expect((await stat(join(dir, 'st', files[0]!))).mode & 0o777).to.equal(0o600);
      expect(await store.load(tunnel, host.name)).to.deep.equal(s);
      await store.remove(tunnel, host.name);
      expect(await readdir(join(dir, 'st'))).to.deep.equal([]);
      expect(existsSync(join('/root', mark)) || existsSync(mark)).to.equal(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('an overall timeout bounds every command of the host', async () => {
    const h = make(2222, { overallTimeoutMs: 1_500 });
    // sleep 5 ends well inside its own 10 s timeout: timed out, it was the host's 1.5 s bound.
    const r = await h.exec('sleep', ['5'], { timeoutMs: 10_000 });
    expect(r.timedOut).to.equal(true);
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
    it('diagnose --ssh examines the remote host and names it', async () => {
      const r = await runCli(['diagnose', '--ssh', `root@${lab!.address}:2222`, '--ssh-config', lab!.clientConfig, '--json', 'RTNETLINK answers: File exists']);
      expect(r.code, r.stdout + r.stderr).to.equal(0);
      const report = (JSON.parse(r.stdout) as { result: { target: string; findings: unknown[] } }).result;
      expect(report.target).to.equal(`ssh:root@${lab!.address}:2222`);
      expect(report.findings).to.have.length(1);
    });
    it('diagnose --ssh to an unreachable host: exit 3; an unreadable --ssh-config: exit 2 naming it', async () => {
      const r = await runCli(['diagnose', '--ssh', `root@${lab!.deadAddress}:2222`, '--ssh-config', lab!.clientConfig, '--json', 'RTNETLINK answers: File exists']);
      expect(r.code).to.equal(3);
      const bad = await runCli(['diagnose', '--ssh', `root@${lab!.address}:2222`, '--ssh-config', join(lab!.dir, 'missing'), '--json', 'x']);
      expect(bad.code).to.equal(2);
      expect((JSON.parse(bad.stdout) as { error: { field: string } }).error.field).to.equal('--ssh-config');
    });
    it('an unreachable --ssh host is an environment error (exit 3) with ssh\'s reason', async () => {
      const r = await runCli(['check', '--ssh', `root@${lab!.deadAddress}:2222`, '--json']);
      expect(r.code).to.equal(3);
      expect((JSON.parse(r.stdout) as { error: { message: string } }).error.message).to.match(/not reachable: .*Connection refused/);
    });
  });
});
