import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkCommand, type CheckReport } from '../../src/commands/check.js';
import type { StatusReport } from '../../src/core/status.js';
import type { VerifyResult } from '../../src/engine/verify.js';
import { ReplayHost, type Recording } from '../../src/host/replay.js';
import { copyRoot, ensureDebianRoot } from '../../src/host/debian-root.js';
import { bootRoot, ensureUmlKernel, UML_MODULES } from '../../src/host/uml.js';
import { ROOT } from '../support/fixtures.js';

/**
 * Boot persistence proven by real boots: user-mode Linux with systemd as PID 1 on a minimal
 * Debian root (mmdebstrap, cached per machine). Boot 1 installs both ends of the seed; boot 2
 * verifies with nobody having run `up`, and `status` finds what the units made in effect, then a
 * label route deleted behind its back; uninstall; boot 3 finds nothing of mplsgre.
 * MPLSGRE_BOOT_LOGS=DIR keeps each boot's console and journal there; MPLSGRE_RECORD_FACTS=1 copies
 * the facts recorded in boot 2 (scripts/record-facts.ts --here) to test/fixtures/facts/.
 */

const SEED = join(ROOT, 'examples', 'seed.yaml');
const T = '/opt/mplsgre-test';
const M = '/opt/mplsgre';

/** The underlay the seed's hosts stand on: two namespaces joined by a veth pair. */
const UNDERLAY = `#!/bin/sh
set -e
ip netns add A
ip netns add B
ip link add va netns A type veth peer name vb netns B
ip -n A link set dev lo up
ip -n B link set dev lo up
ip -n A address add 10.128.0.2/32 dev va
ip -n B address add 10.128.100.2/32 dev vb
ip -n A link set dev va up
ip -n B link set dev vb up
ip -n A route add 10.128.100.2/32 dev va
ip -n B route add 10.128.0.2/32 dev vb
`;

/** Runs once the mplsgre units are done; what it does depends on the boot (the phase file). */
const STEP = `#!/bin/sh
OUT=${T}/out
P=$(cat ${T}/phase)
run() { name=$1; shift; ${M}/node ${M}/bin/mplsgre.js "$@" >"$OUT/$name.json" 2>"$OUT/$name.err"; echo $? >"$OUT/$name.rc"; }
case "$P" in
install)
  run install-A install ${T}/seed.yaml --host A --json
  run install-B install ${T}/seed.yaml --host B --json
  ;;
verify)
  systemctl show -p Id -p ActiveState -p Result mplsgre-foo4-A.service mplsgre-foo4-B.service >"$OUT/units.txt" 2>&1
  for n in A B; do echo "$n $(ip netns exec $n cat /proc/sys/net/mpls/platform_labels) $(ip netns exec $n cat /proc/sys/net/mpls/conf/foo4/input)"; done >"$OUT/sysctls.txt" 2>&1
  run verify verify ${T}/seed.yaml --json
  # status against the records the units' up wrote at boot; then drift made behind mplsgre's back
  run status-boot status ${T}/seed.yaml --json
  ip -n A -f mpls route del 101 && run status-drift status ${T}/seed.yaml --json
  ip -n A -f mpls route add 101 dev lo
  run check-A check --netns A --iface foo4 --labels 100,101 --json
  # check's facts as found after this boot, recorded by scripts/record-facts.ts: as installed; with
  # A's installed files moved away (a tunnel up by mplsgre with no unit); with the sysctl.d trap
  rec() { ${M}/node ${M}/dist/scripts/record-facts.js --out "$OUT/facts" --netns A --here "$@" >>"$OUT/record.log" 2>&1; }
  rec boot-installed --description "Debian 12 booted with systemd in user-mode Linux 6.1: both ends installed, brought up by their units, checked in namespace A"
  W=/etc/systemd/system/multi-user.target.wants/mplsgre-foo4-A.service
  mkdir -p /root/moved && mv /etc/mplsgre/foo4.A.installed.json /etc/modules-load.d/mplsgre-foo4-A.conf /etc/systemd/system/mplsgre-foo4-A.service /root/moved/ && rm "$W"
  rec boot-no-unit --description "the same booted guest with A's installed files moved away: foo4 recorded by up in A, no unit"
  mv /root/moved/foo4.A.installed.json /etc/mplsgre/ && mv /root/moved/mplsgre-foo4-A.conf /etc/modules-load.d/ && mv /root/moved/mplsgre-foo4-A.service /etc/systemd/system/
  ln -s /etc/systemd/system/mplsgre-foo4-A.service "$W" && rmdir /root/moved
  echo "net.mpls.conf.foo4.input = 1" >/etc/sysctl.d/90-mpls.conf
  rec boot-sysctl-trap --description "the same booted guest, installed, with net.mpls.conf.foo4.input in /etc/sysctl.d/90-mpls.conf"
  rm -f /etc/sysctl.d/90-mpls.conf
  ;;
gone)
  {
    echo "units:"; ls -1 /etc/systemd/system /etc/systemd/system/multi-user.target.wants | grep mplsgre-foo4
    echo "unit files:"; systemctl list-unit-files --no-legend 'mplsgre-foo4*'
    echo "etc:"; ls -1a /etc/mplsgre
    echo "modules-load:"; ls -1 /etc/modules-load.d | grep mplsgre
    echo "state:"; ls -1a /run/mplsgre
    echo "foo4:"; ip -n A -o link show dev foo4; ip -n B -o link show dev foo4
    echo "mpls modules:"; grep -E '^(mpls_router|mpls_iptunnel|ip_gre) ' /proc/modules
    echo "underlay:"; ip -n A -o link show dev va
  } >"$OUT/gone.txt" 2>&1
  ;;
esac
journalctl -b --no-pager -o short-monotonic >"$OUT/journal-$P.txt" 2>&1
systemctl --no-block poweroff
`;

const UNDERLAY_UNIT = `[Unit]
Description=test underlay: namespaces A and B joined by a veth pair
Before=network-online.target mplsgre-foo4-A.service mplsgre-foo4-B.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=${T}/underlay.sh

[Install]
WantedBy=multi-user.target network-online.target
`;

const STEP_UNIT = `[Unit]
Description=test step after the mplsgre units
After=mplsgre-foo4-A.service mplsgre-foo4-B.service mplsgre-test-underlay.service

[Service]
Type=oneshot
ExecStart=${T}/step.sh
StandardOutput=journal+console

[Install]
WantedBy=default.target
`;

describe('kernel tier: boot persistence (install, reboot, verify, uninstall, reboot)', function () {
  this.timeout(900_000);
  let tmp = '';
  let root = '';
  const logs = process.env.MPLSGRE_BOOT_LOGS;

  const read = (p: string): Promise<string> => readFile(join(root, p), 'utf8').catch(() => '');
  const cli = (...args: string[]): { status: number | null; stdout: string; stderr: string } => {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'mplsgre.js'), ...args], { encoding: 'utf8', timeout: 60_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  async function bootPhase(phase: string): Promise<string> {
    await writeFile(join(root, T, 'phase'), `${phase}\n`);
    if (logs) await mkdir(logs, { recursive: true });
    const consoleLog = logs ? createWriteStream(join(logs, `console-${phase}.txt`)) : undefined;
    const r = await bootRoot({ root, timeoutMs: 600_000, ...(consoleLog ? { onLine: (l: string) => consoleLog.write(`${l}\n`) } : {}) }).finally(() => consoleLog?.end());
    if (logs) {
      await writeFile(join(logs, `journal-${phase}.txt`), await read(`${T}/out/journal-${phase}.txt`));
      await cp(join(root, T, 'out'), join(logs, `out-${phase}`), { recursive: true });
    }
    console.log(`      boot "${phase}": ${(r.durationMs / 1000).toFixed(1)} s`);
    return r.console;
  }

  before(async function () {
    const kernel = await ensureUmlKernel((m) => console.log(`      ${m}`));
    const cached = await ensureDebianRoot((m) => console.log(`      ${m}`));
    console.log(`      Debian root: ${cached.path} (${cached.built ? 'built now' : 'cached'})`);
    tmp = await mkdtemp(join(tmpdir(), 'mplsgre-boottest-'));
    root = join(tmp, 'root');
    await mkdir(root);
    await copyRoot(cached.path, root);
    await cp(join(UML_MODULES, kernel.release), join(root, 'lib', 'modules', kernel.release), { recursive: true });
    // node and the bundled CLI, laid out as the package is
    await mkdir(join(root, M, 'dist'), { recursive: true });
    await cp(process.execPath, join(root, M, 'node'));
    await cp(join(ROOT, 'package.json'), join(root, M, 'package.json'));
    await cp(join(ROOT, 'bin'), join(root, M, 'bin'), { recursive: true });
    // the compiled sources too, with the libraries they import (the bundle carries its own):
    // scripts/record-facts.ts records check's facts inside the guest
    for (const d of ['bundle', 'src', 'checks', 'scripts']) await cp(join(ROOT, 'dist', d), join(root, M, 'dist', d), { recursive: true });
    await cp(join(ROOT, 'node_modules'), join(root, M, 'node_modules'), { recursive: true, verbatimSymlinks: true });
    await mkdir(join(root, T, 'out'), { recursive: true });
    await cp(SEED, join(root, T, 'seed.yaml'));
    for (const [name, text] of [['underlay.sh', UNDERLAY], ['step.sh', STEP]] as const) {
      await writeFile(join(root, T, name), text);
      await chmod(join(root, T, name), 0o755);
    }
    const units = join(root, 'etc', 'systemd', 'system');
    // What a container-like guest does not need and a loaded machine waits for (consoles, timers, e2scrub)
    for (const u of ['getty@.service', 'getty-static.service', 'e2scrub_reap.service', 'apt-daily.timer', 'apt-daily-upgrade.timer', 'dpkg-db-backup.timer', 'e2scrub_all.timer', 'fstrim.timer']) {
      await symlink('/dev/null', join(units, u)).catch(() => undefined);
    }
    await writeFile(join(units, 'mplsgre-test-underlay.service'), UNDERLAY_UNIT);
    await writeFile(join(units, 'mplsgre-test-step.service'), STEP_UNIT);
    for (const [target, unit] of <const>[['multi-user.target', 'mplsgre-test-underlay.service'], ['network-online.target', 'mplsgre-test-underlay.service'], ['default.target', 'mplsgre-test-step.service']]) {
      await mkdir(join(units, `${target}.wants`), { recursive: true });
      await symlink(`/etc/systemd/system/${unit}`, join(units, `${target}.wants`, unit));
    }
  });

  after(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('boot 1: install both ends inside the guest; each unit passes systemd-analyze verify', async () => {
    await bootPhase('install');
    for (const h of ['A', 'B']) {
      expect(await read(`${T}/out/install-${h}.rc`), await read(`${T}/out/install-${h}.err`)).to.equal('0\n');
      const doc = JSON.parse(await read(`${T}/out/install-${h}.json`)) as { result: { unit: string; files: { path: string }[] } };
      expect(doc.result.unit).to.equal(`mplsgre-foo4-${h}.service`);
    }
    const unit = await read('/etc/systemd/system/mplsgre-foo4-A.service');
    expect(unit).to.match(/^ExecStart="\/opt\/mplsgre\/node" "\/opt\/mplsgre\/bin\/mplsgre\.js" "up" "\/etc\/mplsgre\/foo4\.A\.yaml" "--host" "A"$/m);
    expect(await read('/etc/modules-load.d/mplsgre-foo4-B.conf')).to.match(/^mpls_router\nmpls_iptunnel\nip_gre\n$/m);
    const r = spawnSync('systemd-analyze', ['verify', `--root=${root}`, 'mplsgre-foo4-A.service', 'mplsgre-foo4-B.service'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, `systemd-analyze verify: ${r.stderr}`).to.equal(0);
    expect(r.stderr.split('\n').filter((l) => /mplsgre-foo4/.test(l))).to.deep.equal([]);
  });

  it('boot 2: with nobody running up, the units bring both ends back and verify passes (100 and 101 inside GRE)', async () => {
    const consoleText = await bootPhase('verify');
    const units = await read(`${T}/out/units.txt`);
    expect(units, consoleText.slice(-3000)).to.match(/Id=mplsgre-foo4-A\.service\nActiveState=active/);
    expect(units).to.match(/Id=mplsgre-foo4-B\.service\nActiveState=active/);
    // platform_labels and the per-interface input are set by up inside each namespace, after the device exists
    expect(await read(`${T}/out/sysctls.txt`)).to.equal('A 65535 1\nB 65535 1\n');
    const journal = await read(`${T}/out/journal-verify.txt`);
    expect(journal).to.match(/Finished mplsgre-foo4-A\.service/);
    expect(await read(`${T}/out/verify.rc`), await read(`${T}/out/verify.err`)).to.equal('0\n');
    const v = (JSON.parse(await read(`${T}/out/verify.json`)) as { result: VerifyResult }).result;
    expect(v.ok).to.equal(true);
    expect(v.directions.map((d) => [d.from, d.to, d.label, d.ok])).to.deep.equal([['A', 'B', 100, true], ['B', 'A', 101, true]]);
  });

  it('boot 2: status finds everything the units\' up made in effect, then names a label route deleted behind its back', async () => {
    type Doc = { result: StatusReport };
    expect(await read(`${T}/out/status-boot.rc`), await read(`${T}/out/status-boot.err`)).to.equal('0\n');
    const ok = (JSON.parse(await read(`${T}/out/status-boot.json`)) as Doc).result;
    expect(ok.ok).to.equal(true);
    expect(ok.hosts.map((h) => [h.host, h.state])).to.deep.equal([['A', 'in effect'], ['B', 'in effect']]);
    expect(ok.counts).to.include({ missing: 0, changed: 0 });
    expect(ok.counts.inEffect).to.be.greaterThan(0);
    expect(await read(`${T}/out/status-drift.rc`), await read(`${T}/out/status-drift.err`)).to.equal('1\n');
    const drift = (JSON.parse(await read(`${T}/out/status-drift.json`)) as Doc).result;
    const off = drift.hosts.flatMap((h) => h.objects.filter((o) => o.state !== 'in effect').map((o) => [h.host, o.kind, o.object, o.state]));
    expect(off).to.deep.equal([['A', 'label-route', '101', 'missing']]);
  });

  it('boot 2: check --netns A says boot.persistence pass; the facts recorded there give pass, and warn without the unit or with the sysctl.d trap', async () => {
    const check = JSON.parse(await read(`${T}/out/check-A.json`)) as { result: CheckReport };
    const bp = check.result.checks.find((c) => c.id === 'boot.persistence');
    expect(bp?.status, bp?.summary).to.equal('pass');
    expect(bp?.summary).to.match(/foo4 \(host A\) by mplsgre-foo4-A\.service at every boot/);
    const verdict = async (name: string): Promise<[string, string]> => {
      const rec = JSON.parse(await read(`${T}/out/facts/${name}.json`)) as Recording;
      const r = await checkCommand({ host: new ReplayHost(rec, name), labels: [100, 101], iface: 'foo4', ignore: [], failOn: 'fail', ...(rec.recorded.options.target ? { target: rec.recorded.options.target } : {}) });
      const c = r.checks.find((x) => x.id === 'boot.persistence')!;
      return [c.status, c.summary];
    };
    expect(await verdict('boot-installed'), await read(`${T}/out/record.log`)).to.have.members(['pass', bp!.summary]);
    const [noUnit, noUnitText] = await verdict('boot-no-unit');
    expect([noUnit, noUnitText]).to.satisfy(([s, t]: string[]) => s === 'warn' && /tunnel foo4 \(host A, set up by mplsgre up\) has no boot unit/.test(t!));
    const [trap, trapText] = await verdict('boot-sysctl-trap');
    expect(trap, trapText).to.equal('warn');
    expect(trapText).to.match(/90-mpls\.conf:1 sets net\.mpls\.conf\.foo4\.input, applied at boot before foo4 exists/);
    if (process.env.MPLSGRE_RECORD_FACTS === '1') {
      for (const name of ['boot-installed', 'boot-no-unit', 'boot-sysctl-trap']) await cp(join(root, T, 'out', 'facts', `${name}.json`), join(ROOT, 'test', 'fixtures', 'facts', `${name}.json`));
    }
  });

  it('uninstall (from outside, --root) removes exactly what install wrote; boot 3 finds nothing of mplsgre', async () => {
    const seed = join(root, T, 'seed.yaml');
    for (const h of ['A', 'B']) {
      const r = cli('uninstall', seed, '--host', h, '--root', root, '--json');
      expect(r.status, r.stderr).to.equal(0);
      const removed = (JSON.parse(r.stdout) as { result: { removed: string[] } }).result.removed;
      expect(removed).to.have.length(5);
    }
    expect(await readdir(join(root, 'etc')).then((d) => d.includes('mplsgre'))).to.equal(false);
    await bootPhase('gone');
    const gone = await read(`${T}/out/gone.txt`);
    const section = (name: string): string => new RegExp(`^${name}:\\n([\\s\\S]*?)(?=^[a-z -]+:$)`, 'm').exec(`${gone}end:\n`)?.[1] ?? 'missing';
    expect(section('units'), gone).to.equal('');
    expect(section('unit files')).to.equal('');
    expect(section('etc')).to.match(/No such file or directory/);
    expect(section('modules-load')).to.equal('');
    expect(section('state')).to.match(/No such file or directory/);
    expect(section('foo4')).to.match(/does not exist/);
    expect(section('foo4')).to.not.match(/foo4:? </);
    expect(section('mpls modules')).to.equal('');
    expect(section('underlay'), 'the test underlay did come up').to.match(/va@/);
  });
});
