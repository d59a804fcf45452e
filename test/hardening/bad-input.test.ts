/**
 * Campaign: bad input. Hostile and malformed values for every CLI option and every topology field,
 * through the real CLI of every command: exit 2, the field named on stderr and in --json's error,
 * and nothing changed on the host (snapshot before and after, in a private network namespace).
 */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execLocal } from '../../src/host/spawn.js';
import { ROOT } from '../support/fixtures.js';
import { snapshotDiff } from '../support/host-snapshot.js';
import { emit, base, hostileTopologies } from '../support/hostile-topologies.js';
import type { CliRun } from '../support/run-cli.js';
import type { DriverCase, DriverOutput, DriverResult } from './bad-input-driver.js';

const dir = mkdtempSync(join(tmpdir(), `mplsgre-bad-input-${process.pid}-`));
const file = (name: string, content: string | Buffer): string => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};
const seed = file('seed.yaml', emit(base()));

const cases: (DriverCase & { what: string })[] = [];
const add = (argv: string[], field: string, what = JSON.stringify(argv)): void => {
  cases.push({ id: cases.length, argv, field, what });
};

const LABELS = [...Array.from({ length: 16 }, (_, i) => String(i)), '3', '1048576', '-1', '1e3', '100 ', '0x64', '0100', '+100', '100.0', '', 'abc', '100,,101', '100,100', ',100'];
const IFACES = ['abcdefghijklmnop', 'ü'.repeat(8), 'a/b', 'a b', 'a\nb', 'a\tb', '.', '..', '', 'a:b', 'a%d', '-a', 'a\u202eb', 'a\u0000b'];
// A well-formed namespace that does not exist is the environment (exit 3): test/cli/missing-netns.test.ts.
const NETNS = ['..', '.', 'a/b', 'a;b', '', 'a b', 'a\nb', '-x', 'n'.repeat(65)];
const SSH = ['-oProxyCommand=touch /tmp/mplsgre-pwned', 'ssh:-x', 'ssh:-oProxyCommand=x', 'ssh:a@b@c', 'a b', 'host\nx', '', 'ssh:', 'ssh:host:0', 'ssh:host:65536', 'ssh:$(id)', 'ssh:999.1.1.1', 'ssh:::ffff:', 'ssh:10.0.0.0/24'];
const COUNTS = ['0', '-1', '1.5', '1e3', '100 ', '0x64', '', 'abc', '99999999999999999999', '1048577'];
// 0 and 0.001 are root's to use (iputils: below 2 ms for root only); test/cli/verify-interval.test.ts refuses them to others.
const INTERVALS = ['-1', 'abc', '1e3', '100', 'NaN', 'Infinity', '0x1', '', ' 1', '1 ', '-0', '.5', '10.0001'];

// Options take their value as `--opt=value`, so values starting with "-" read as values.
const opt = (name: string, value: string): string => `--${name}=${value}`;

// ---- every topology command on every hostile topology ----
const TOPOLOGY_COMMANDS = ['plan', 'up', 'verify', 'down', 'status', 'lab'];
const topologies = hostileTopologies();
topologies.forEach((t, i) => {
  const p = file(`topology-${i}.yaml`, t.text);
  for (const cmd of TOPOLOGY_COMMANDS) add([cmd, p], t.field, `${cmd} topology ${t.what}`);
  for (const cmd of ['install', 'uninstall']) add([cmd, p, '--host=A', `--root=${dir}`], t.field, `${cmd} topology ${t.what}`);
});
// install / uninstall: the host, the staging root; up / down --host
for (const cmd of ['install', 'uninstall']) {
  add([cmd, seed, '--host=C', `--root=${dir}`], '--host', `${cmd} a host not in the topology`);
  add([cmd, seed, `--root=${dir}`], '--host', `${cmd} without --host`);
  add([cmd, seed, '--host=A', '--root=/dev/zero'], '--root', `${cmd} --root not a directory`);
  add([cmd, seed, '--host=A', `--root=${join(dir, 'no-such-root')}`], '--root', `${cmd} --root absent`);
  add([cmd, seed, '--host=A', '--root='], '--root', `${cmd} --root empty`);
}
for (const cmd of ['up', 'down']) add([cmd, seed, '--host=C'], '--host', `${cmd} --host not in the topology`);
const notUtf8 = file('not-utf8.yaml', Buffer.concat([Buffer.from(emit(base()).replace('foo4', 'fo')), Buffer.from([0xff, 0xfe, 0x0a])]));
const [beforeName, afterName] = emit(base()).split('foo4') as [string, string];
const notUtf8Name = file('not-utf8-name.yaml', Buffer.concat([Buffer.from(`${beforeName}fo`), Buffer.from([0xff]), Buffer.from(afterName)]));
const aliasBomb = file('billion-laughs.yaml', [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(',')}]`),
  emit(base()),
].join('\n'));
for (const cmd of TOPOLOGY_COMMANDS) {
  add([cmd, notUtf8], 'FILE', `${cmd} topology not UTF-8 (a stray 0xff)`);
  add([cmd, notUtf8Name], 'FILE', `${cmd} topology not UTF-8 inside tunnel.name`);
  add([cmd, aliasBomb], 'b[0]', `${cmd} billion laughs`);
  add([cmd, join(dir, 'no-such.yaml')], 'FILE');
  add([cmd, dir], 'FILE', `${cmd} a directory`);
  add([cmd, '/dev/zero'], 'FILE', `${cmd} /dev/zero`);
  add([cmd, seed, seed], 'FILE', `${cmd} two files`);
  add([cmd, seed, '--bogus'], '--bogus');
  add([cmd, seed, '--format=xml'], '--format');
}
for (const cmd of ['plan', 'up', 'verify', 'down', 'status']) add([cmd], 'FILE', `${cmd} without a file`);
for (const v of COUNTS) {
  add(['verify', seed, opt('count', v)], '--count');
  add(['lab', seed, opt('count', v)], '--count');
}
for (const v of INTERVALS) add(['verify', seed, opt('interval', v)], '--interval');

// ---- check ----
for (const v of IFACES) add(['check', opt('iface', v)], '--iface');
for (const v of LABELS) add(['check', opt('labels', v)], '--labels');
for (const v of NETNS) add(['check', opt('netns', v)], '--netns');
for (const v of SSH) add(['check', opt('ssh', v)], '--ssh');
add(['check', '--netns=A', '--ssh=host'], '--ssh');
add(['check', opt('kernel-config', '')], '--kernel-config');
add(['check', opt('kernel-config', join(dir, 'no-such-config'))], '--kernel-config');
add(['check', opt('kernel-config', '/dev/zero')], '--kernel-config');
add(['check', opt('kernel-config', dir)], '--kernel-config');
for (const v of ['', 'maybe', 'FAIL']) add(['check', opt('fail-on', v)], '--fail-on');
for (const v of ['xml', '', 'JSON']) add(['check', opt('format', v)], '--format');
add(['check', '--json', '--format=md'], '--format');
add(['check', opt('ignore', 'kernel.nope')], '--ignore');
add(['check', '--iface'], '--iface');
add(['check', '--bogus'], '--bogus');
add(['check', 'extra'], 'arguments');
add(['check', opt('out', join(dir, 'no-such-dir', 'out.json'))], '--out');

// ---- diagnose ----
const MESSAGE = 'RTNETLINK answers: Operation not supported';
for (const v of IFACES) add(['diagnose', opt('iface', v), MESSAGE], '--iface');
for (const v of LABELS) add(['diagnose', opt('labels', v), MESSAGE], '--labels');
for (const v of NETNS) add(['diagnose', opt('netns', v), MESSAGE], '--netns');
for (const v of ['', ' ', 'a\nb', 'x'.repeat(5000)]) add(['diagnose', opt('command', v), MESSAGE], '--command');
add(['diagnose', opt('kernel-config', join(dir, 'no-such-config')), MESSAGE], '--kernel-config');
add(['diagnose', opt('kernel-config', '/dev/zero'), MESSAGE], '--kernel-config');
add(['diagnose'], 'MESSAGE');
add(['diagnose', 'RTNETLINK', 'answers'], 'MESSAGE');
for (const v of ['', '   ', 'a\u0000b']) add(['diagnose', v], 'MESSAGE');
for (const v of SSH) add(['diagnose', MESSAGE, opt('ssh', v)], '--ssh');
add(['diagnose', MESSAGE, '--netns=A', '--ssh=host'], '--ssh');
add(['diagnose', MESSAGE, opt('ssh-config', join(dir, 'no-such-config')), '--ssh=ssh:host'], '--ssh-config');
for (const cmd of ['up', 'verify', 'down', 'status']) add([cmd, opt('ssh-config', '/dev/zero'), seed], '--ssh-config');

// ---- capture decode ----
add(['capture'], 'subcommand');
add(['capture', 'encode', seed], 'subcommand');
add(['capture', 'decode'], 'FILE');
add(['capture', 'decode', seed, seed], 'FILE');
add(['capture', 'decode', join(dir, 'no-such.pcap')], 'FILE');
add(['capture', 'decode', dir], 'FILE');
add(['capture', 'decode', file('empty.pcap', '')], 'FILE');
add(['capture', 'decode', file('garbage.pcap', Buffer.from([0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]))], 'FILE');
add(['capture', 'decode', '/dev/null'], 'FILE');

// ---- fleet ----
const inventory = file('inventory.txt', 'ssh:root@198.18.0.1\n');
for (const v of COUNTS) {
  add(['fleet', inventory, opt('concurrency', v)], '--concurrency');
  add(['fleet', inventory, opt('timeout', v)], '--timeout');
}
for (const v of IFACES) add(['fleet', inventory, opt('iface', v)], '--iface');
for (const v of LABELS) add(['fleet', inventory, opt('labels', v)], '--labels');
add(['fleet', inventory, opt('ssh-config', join(dir, 'no-such-config'))], '--ssh-config');
add(['fleet', inventory, opt('ssh-config', '/dev/zero')], '--ssh-config');
add(['fleet', '/dev/zero'], 'INVENTORY');
add(['fleet', dir], 'INVENTORY', 'fleet a directory');
add(['fleet', file('inventory-huge.txt', `ssh:a\n# ${'x'.repeat(1024 * 1024)}\n`)], 'INVENTORY', 'fleet inventory over 1 MiB');
add(['fleet', inventory, opt('fail-on', 'x')], '--fail-on');
add(['fleet'], 'INVENTORY');
add(['fleet', inventory, inventory], 'arguments');
add(['fleet', join(dir, 'no-such-inventory')], 'INVENTORY');
SSH.filter((s) => s !== '' && !s.includes('\n')).forEach((s, i) => {
  const bad = s.startsWith('ssh:') || s.startsWith('-') ? s : `ssh:${s}`;
  add(['fleet', file(`inventory-line-${i}.txt`, `# hostile\n${bad}\n`)], 'line 2', `fleet inventory line ${JSON.stringify(bad)}`);
});
const yamlInventories: [string, string, string][] = [
  ['alias bomb', `hosts:\n  - &x {target: "ssh:a"}\n  - *x\n`, 'hosts[1]'],
  ['duplicate key', 'hosts:\n  - {target: "ssh:a", target: "ssh:b"}\n', 'hosts[0].target'],
  ['wrong type', 'hosts:\n  - {target: 5}\n', 'hosts[0].target'],
  ['unknown key', 'hosts:\n  - {target: "ssh:a", port: 22}\n', 'hosts[0].port'],
  ['hosts not a list', 'hosts: {a: 1}\n', 'hosts'],
  ['bad iface', 'hosts:\n  - {target: "ssh:a", iface: "a/b"}\n', 'hosts[0].iface'],
  ['bad labels', 'hosts:\n  - {target: "ssh:a", labels: [15]}\n', 'hosts[0].labels'],
  ['ssh option as host', 'hosts:\n  - {target: "ssh:-oProxyCommand=x"}\n', 'hosts[0].target'],
  ['listed twice', 'hosts:\n  - {target: "ssh:a"}\n  - {target: "ssh:a"}\n', 'hosts[1].target'],
  ['over 1 MiB', `hosts:\n  - {target: "ssh:a"}\n# ${'x'.repeat(1024 * 1024)}\n`, 'INVENTORY'],
];
for (const [what, text, field] of yamlInventories) add(['fleet', file(`inventory-${cases.length}.yaml`, text)], field, `fleet inventory ${what}`);
add(['fleet', file('inventory-empty.txt', '# nothing\n')], 'INVENTORY', 'fleet empty inventory');
add(['fleet', file('inventory-not-utf8.txt', Buffer.from([0x73, 0x73, 0x68, 0x3a, 0xff, 0x0a]))], 'INVENTORY', 'fleet inventory not UTF-8');

// ---- the CLI itself ----
add(['nosuchcommand'], 'command');

/** The real-process sample: every SAMPLE-th case also runs as `node bin/mplsgre.js`. */
const SAMPLE = 25;

describe('hardening: bad input through the real CLI', function () {
  this.timeout(600_000);
  let out: DriverOutput;
  const byId = new Map<number, DriverResult>();

  before(async () => {
    const casesFile = file('cases.json', JSON.stringify(cases.map(({ id, argv, field }) => ({ id, argv, field }))));
    const resultsFile = join(dir, 'results.json');
    const work = join(dir, 'work');
    mkdirSync(work);
    const r = await execLocal('unshare', ['--net', '--mount', '--', process.execPath, join(ROOT, 'dist', 'test', 'hardening', 'bad-input-driver.js'), casesFile, resultsFile, work, String(SAMPLE)], { timeoutMs: 540_000 });
    expect(r.failed, `driver: ${r.spawnError ?? ''} ${r.stderr.slice(-2000)}`).to.equal(false);
    out = JSON.parse(readFileSync(resultsFile, 'utf8')) as DriverOutput;
    for (const res of out.results) byId.set(res.id, res);
  });

  after(function () {
    // A failed run keeps its cases and results for a look.
    if (this.currentTest?.state !== 'failed') rmSync(dir, { recursive: true, force: true });
  });

  const refusedJson = (run: CliRun | undefined, field: string): string | undefined => {
    if (!run) return undefined;
    if (run.code !== 2) return `--json: exit ${run.code}`;
    const doc = JSON.parse(run.stdout) as { error?: { field?: string; code?: string; exitCode?: number }; result: unknown };
    if (doc.error?.field !== field || doc.error.code !== 'usage' || doc.error.exitCode !== 2 || doc.result !== null) return `--json error: ${JSON.stringify(doc.error)}`;
    return undefined;
  };

  const refused = (run: CliRun | undefined, field: string, cmd: string, json: boolean): string | undefined => {
    if (!run) return 'no result';
    if (run.code !== 2) return `exit ${run.code}: ${run.stderr.slice(0, 300)}`;
    if (json) return refusedJson(run, field);
    if (!run.stderr.startsWith(`mplsgre ${cmd}: ${field}: `)) return `stderr does not name ${field}: ${run.stderr.slice(0, 300)}`;
    return undefined;
  };
  describe(`${cases.length} cases`, () => {
    for (const c of cases) {
      it(`${c.what} -> exit 2 naming ${c.field}`, () => {
        const res = byId.get(c.id);
        const problems = [refused(res?.plain, c.field, c.argv[0]!, c.argv.includes('--json')), refusedJson(res?.json, c.field)].filter(Boolean);
        expect(problems, problems.join('; ')).to.deep.equal([]);
      });
    }
  });

  it('the real process gives what main() gives in-process: exit code, stdout and stderr', () => {
    const sampled = out.results.filter((r) => r.real);
    expect(sampled.length).to.equal(cases.filter((c, i) => i % SAMPLE === 0 && !c.argv.some((a) => a.includes('\u0000'))).length);
    for (const r of sampled) expect(r.real, JSON.stringify(cases[r.id]!.argv)).to.deep.equal(r.plain);
  });

  it('nothing changed on the host: links, addresses, routes, namespaces, sysctls, state and reports', () => {
    expect(snapshotDiff(out.before, out.after)).to.deep.equal([]);
    // The snapshot saw a live namespace, not an empty shell.
    expect(out.before['ip -j link show']).to.include('"ifname":"lo"');
  });

  it('summary', () => {
    const ok = cases.filter((c) => !refused(byId.get(c.id)?.plain, c.field, c.argv[0]!, c.argv.includes('--json')) && !refusedJson(byId.get(c.id)?.json, c.field)).length;
    console.log(`      bad-input campaign: ${cases.length} cases (${out.inProcessRuns} in-process runs, ${out.realRuns} real processes), ${ok} refused with exit 2 and the field named`);
    expect(ok).to.equal(cases.length);
  });
});
