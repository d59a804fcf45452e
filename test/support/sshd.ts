/**
 * Real OpenSSH servers for tests and benches, each inside a network namespace the harness
 * creates (veth to the root namespace, a 198.18.0.0/15 benchmark-range /29 unique to the run).
 * Keys, configs, known_hosts and pid files live in one temp dir; ~/.ssh is never touched.
 * Needs root, iproute2, openssh-client and openssh-server (/usr/sbin/sshd).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomInt } from 'node:crypto';
import type { Background } from '../../src/host/host.js';
import { execLocal, startLocal } from '../../src/host/spawn.js';

export const SSHD = '/usr/sbin/sshd';

export interface SshServer {
  readonly port: number;
  readonly target: string;
  readonly proc: Background;
  /** With `workingShell`: the remote commands each session's login shell ran, oldest first (the first 400 characters of each). */
  commands?(): Promise<string[]>;
}

export interface SshLab {
  readonly dir: string;
  readonly netns: string;
  /** The namespace address sshd listens on. */
  readonly address: string;
  /** An address inside the namespace where nothing listens: connection refused. */
  readonly deadAddress: string;
  /** ssh_config for the client (-F): identity, known_hosts, no ~/.ssh. */
  readonly clientConfig: string;
  readonly servers: SshServer[];
  /**
   * Starts one more sshd; `delayS` wraps every command in a ForceCommand that sleeps first.
   * Sessions get HOME=the lab's directory, so the login shell (bash, which sources ~/.bashrc for
   * commands run by sshd) does not run this machine's /root/.bashrc: here it starts pyenv, about
   * 150 ms CPU and 450 ms per command, which a fleet target's shell does not cost. `realHome`
   * keeps root's own HOME (bench/fleet.bench.ts shows the difference). `workingShell` gives the
   * server's sessions a HOME of their own in the lab's directory whose ~/.bashrc, as pyenv, nvm or
   * conda init do on real hosts, works `burnMs` of CPU (a busy loop) for every non-interactive
   * session, and logs the command it runs: SshServer.commands() counts them.
   */
  addServer(port: number, opts?: { delayS?: number; realHome?: boolean; workingShell?: { burnMs: number } }): Promise<SshServer>;
  cleanup(): Promise<void>;
}

async function must(file: string, args: string[]): Promise<string> {
  const r = await execLocal(file, args, { timeoutMs: 15_000 });
  if (r.failed) throw new Error(`${[file, ...args].join(' ')}: ${r.spawnError ?? r.stderr.trim()}`);
  return r.stdout;
}

/**
 * Host and client keys, authorized_keys, known_hosts and the client's ssh_config (`dir/ssh_config`)
 * in `dir`: every server started with startSshd(dir, ...) accepts the client and is known to it.
 */
export async function writeSshKeys(dir: string): Promise<void> {
  await must('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'mplsgre-test-host', '-f', join(dir, 'host_key')]);
  await must('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'mplsgre-test-client', '-f', join(dir, 'id')]);
  await writeFile(join(dir, 'authorized_keys'), await readFile(join(dir, 'id.pub')));
  const hostPub = (await readFile(join(dir, 'host_key.pub'), 'utf8')).trim().split(' ').slice(0, 2).join(' ');
  // One alias for every test server: they share a host key.
  await writeFile(join(dir, 'known_hosts'), `mplsgre-test ${hostPub}\n`);
  await writeFile(join(dir, 'ssh_config'), [
    'Host *',
    `  IdentityFile ${join(dir, 'id')}`,
    '  IdentitiesOnly yes',
    `  UserKnownHostsFile ${join(dir, 'known_hosts')}`,
    '  GlobalKnownHostsFile /dev/null',
    '  HostKeyAlias mplsgre-test',
    '  StrictHostKeyChecking yes',
    '  LogLevel ERROR',
    '',
  ].join('\n'));
}

/** Runs sshd in `netns` on address:port with the keys of writeSshKeys(dir), after `wrap` (an argv prefix) if given; resolves once it listens. */
export async function startSshd(dir: string, netns: string, address: string, port: number, opts: { env?: Record<string, string>; extra?: readonly string[]; wrap?: readonly string[]; shellRc?: boolean } = {}): Promise<Background> {
  // sshd refuses to start without its privilege separation directory.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const config = join(dir, `sshd-${netns}-${port}.conf`);
  await writeFile(config, [
    `ListenAddress ${address}:${port}`,
    `HostKey ${join(dir, 'host_key')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    `PidFile ${join(dir, `sshd-${netns}-${port}.pid`)}`,
    'PermitRootLogin prohibit-password',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'UseDNS no',
    'MaxStartups 200',
    'MaxSessions 100',
    // bash reads ~/.bashrc when sshd runs it, unless it is a nested shell: this machine's root
    // .bashrc would cost every remote command seconds and touch files outside the test
    // (`shellRc` keeps it, to measure what such a login costs). sshd keeps its first SetEnv line only.
    `SetEnv ${Object.entries({ ...(opts.shellRc ? {} : { SHLVL: '1' }), ...opts.env }).map(([k, v]) => `${k}=${v}`).join(' ')}`,
    ...(opts.extra ?? []),
    '',
  ].join('\n'));
  const proc = startLocal('ip', ['netns', 'exec', netns, ...(opts.wrap ?? []), SSHD, '-D', '-e', '-f', config], { timeoutMs: 30 * 60_000 });
  try {
    await proc.waitForLine(/Server listening on/, 10_000);
  } catch (err) {
    await proc.stop('SIGKILL');
    throw err;
  }
  return proc;
}

/** Creates the namespace and keys; servers are added with addServer. Clean up with cleanup(), also on failure. */
export async function createSshLab(): Promise<SshLab> {
  if (!existsSync(SSHD)) throw new Error(`${SSHD} is missing: apt-get install -y openssh-server`);
  const id = randomBytes(3).toString('hex');
  const netns = `mplsgre-ssh-${process.pid}-${id}`;
  const vethRoot = `msr${id}`;
  const vethNs = `msn${id}`;
  const third = randomInt(0, 256);
  const fourth = randomInt(0, 32) * 8;
  const base = `198.${18 + randomInt(0, 2)}.${third}`;
  const rootAddr = `${base}.${fourth + 1}`;
  const address = `${base}.${fourth + 2}`;
  const deadAddress = `${base}.${fourth + 3}`;
  const dir = await mkdtemp(join(tmpdir(), 'mplsgre-sshd-'));
  const servers: SshServer[] = [];
  let made = false;

  const cleanup = async (): Promise<void> => {
    // sshd's sessions outlive its listener and hold its stderr open, so stop() would wait for
    // them: everything in the namespace ends first.
    if (made) {
      const pids = await execLocal('ip', ['netns', 'pids', netns], { timeoutMs: 5_000 });
      for (const pid of pids.stdout.split('\n').map(Number).filter((n) => n > 0)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    await Promise.all(servers.map((s) => s.proc.stop('SIGTERM')));
    if (made) {
      await execLocal('ip', ['link', 'del', vethRoot]);
      await execLocal('ip', ['netns', 'del', netns]);
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    await must('ip', ['netns', 'add', netns]);
    made = true;
    await must('ip', ['link', 'add', vethRoot, 'type', 'veth', 'peer', 'name', vethNs]);
    await must('ip', ['link', 'set', vethNs, 'netns', netns]);
    await must('ip', ['addr', 'add', `${rootAddr}/29`, 'dev', vethRoot]);
    await must('ip', ['link', 'set', vethRoot, 'up']);
    await must('ip', ['-n', netns, 'addr', 'add', `${address}/29`, 'dev', vethNs]);
    await must('ip', ['-n', netns, 'addr', 'add', `${deadAddress}/29`, 'dev', vethNs]);
    await must('ip', ['-n', netns, 'link', 'set', vethNs, 'up']);
    await must('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
    await writeSshKeys(dir);
    await writeFile(join(dir, 'slow.sh'), '#!/bin/sh\nsleep "$MPLSGRE_TEST_DELAY"\nexec /bin/sh -c "$SSH_ORIGINAL_COMMAND"\n');
    await chmod(join(dir, 'slow.sh'), 0o755);
  } catch (err) {
    await cleanup();
    throw err;
  }

  const addServer = async (port: number, opts: { delayS?: number; realHome?: boolean; workingShell?: { burnMs: number } } = {}): Promise<SshServer> => {
    const home = join(dir, `home-${port}`);
    const log = join(home, 'commands.log');
    if (opts.workingShell) {
      await mkdir(home);
      await writeFile(join(home, '.bashrc'), workingBashrc(opts.workingShell.burnMs));
    }
    const proc = await startSshd(dir, netns, address, port, {
      ...(opts.delayS ? { env: { MPLSGRE_TEST_DELAY: String(opts.delayS) }, extra: [`ForceCommand ${join(dir, 'slow.sh')}`] } : {}),
      ...(opts.realHome || opts.workingShell ? { shellRc: true } : {}),
      ...(opts.workingShell ? { env: { HOME: home } } : {}),
    });
    const commands = async (): Promise<string[]> => (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean);
    const server = { port, target: `ssh:root@${address}:${port}`, proc, ...(opts.workingShell ? { commands } : {}) };
    servers.push(server);
    return server;
  };

  return { dir, netns, address, deadAddress, clientConfig: join(dir, 'ssh_config'), servers, addServer, cleanup };
}

/**
 * A ~/.bashrc that does work for every non-interactive session, as real hosts' often do: logs
 * the command the session runs (one line, first 400 characters), then busy-loops for `burnMs`.
 */
function workingBashrc(burnMs: number): string {
  return [
    '# mplsgre test sshd: a login shell that does work (pyenv, nvm, conda init on real hosts)',
    "c=${BASH_EXECUTION_STRING//$'\\n'/ }",
    'printf \'%s\\n\' "${c:0:400}" >> "$HOME/commands.log"',
    `end=$(( \${EPOCHREALTIME/./} + ${Math.round(burnMs * 1000)} ))`,
    'while (( ${EPOCHREALTIME/./} < end )); do :; done',
    '',
  ].join('\n');
}

/** Words that break naive quoting: each must reach a remote command unchanged (quote and ssh tests). */
export const HOSTILE: readonly string[] = [
  '', ' ', '  two  spaces ', "'", "''", "a'b", "'\\''", '"', '"$HOME"', '\\', '\\\\n', '$HOME', '${HOME}', '$(id)', '`id`',
  '$(touch /tmp/mplsgre-quote-pwned)', '`touch /tmp/mplsgre-quote-pwned`', 'a;touch /tmp/mplsgre-quote-pwned', 'a && b', 'a || b',
  'a | b', 'a > /tmp/mplsgre-quote-out', '< /etc/passwd', '*', '/*', '?', '[a-z]*', '{a,b}', '~', '~root', '-', '--', '-n', '-e \\x41',
  '--help', '!', '!!', '#comment', 'a #b', '\n', 'line1\nline2', '\r\n', '\t', 'a=b', 'PATH=/x', '%s%s%n', '&', 'a&', '(', ')',
  'ünïcödé ✓ 日本語 🚀', '\u202e\u200b', '\x01\x7f\x1b[31m', "it's a \"test\" with $(x) and `y` ; | & ~ *",
  'x'.repeat(100_000), "'".repeat(5_000),
  // arithmetic, IFS, ANSI-C quoting, line continuation, here-documents, quote flipping, odd line breaks
  '$((1+1))', '${IFS}', "$'\\n'", 'a\\\nb', '\\\n', "<<EOF\n$(touch /tmp/mplsgre-quote-pwned)\nEOF", "'\"'\"'", '"\'"\'"',
  ' leading', 'trailing ', '\\$HOME', '\\`id\\`', 'a\u0085b', 'a\u2028b', '\u00a0', '\ufeffbom', '*.'.repeat(2_000), '$(' + '('.repeat(1_000),
];
