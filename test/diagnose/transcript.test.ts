import { expect } from 'chai';
import { diagnoseCommand } from '../../src/commands/diagnose.js';
import { labelValue, parseCommandLine, splitWords } from '../../src/diagnose/command-line.js';
import { commandFor, errorLines, matchLine } from '../../src/diagnose/matcher.js';
import { parseTranscript, promptCommand } from '../../src/diagnose/transcript.js';
import { ReplayHost } from '../../src/host/replay.js';
import { loadTranscript } from './fixtures.js';

/** A session pasted from a root terminal on a fresh host: what the recordings printed there. */
const SESSION = [
  'root@host:~# modprobe mpls_iptunnel',
  'root@host:~# ip -f mpls route add 101 dev lo',
  'RTNETLINK answers: Operation not supported',
  'root@host:~# sysctl -w net.mpls.platform_labels=65535',
  'sysctl: cannot stat /proc/sys/net/mpls/platform_labels: No such file or directory',
  'root@host:~# sysctl net.ipv4.conf.all.rp_filter',
  'net.ipv4.conf.all.rp_filter = 0',
  '[root@host ~]# sudo ip -f mpls route add 102 dev lo && echo done',
  'RTNETLINK answers: Operation not supported',
  'root@host:~# ',
].join('\n');

describe('diagnose: transcripts and command lines', () => {
  it('reads prompts: "# ", "$ ", user@host:dir#, [user@host dir]#, (venv) prompts; output is not a prompt', () => {
    expect(promptCommand('# ip link')).to.equal('ip link');
    expect(promptCommand('$ ip link')).to.equal('ip link');
    expect(promptCommand('root@host:~# ip -f mpls route add 101 dev lo')).to.equal('ip -f mpls route add 101 dev lo');
    expect(promptCommand('user@box:/tmp$ sudo sysctl -w a=1')).to.equal('sudo sysctl -w a=1');
    expect(promptCommand('[root@host ~]# ip r')).to.equal('ip r');
    expect(promptCommand('(venv) me@host:~/x$ ping 10.0.0.1')).to.equal('ping 10.0.0.1');
    expect(promptCommand('router:~# ip link')).to.equal('ip link');
    expect(promptCommand('~ # ip link')).to.equal('ip link');
    expect(promptCommand('root@host:~# ')).to.equal('');
    for (const output of ['RTNETLINK answers: File exists', '#kernel', 'net.mpls.platform_labels = 0', 'TcpExt: 0 0 1', '64 bytes from 10.199.0.2: icmp_seq=1 ttl=63 time=0.1 ms']) {
      expect(promptCommand(output), output).to.equal(undefined);
    }
  });

  it('gives each output line the command above it, drops blank lines, colour codes and carriage returns', () => {
    const lines = parseTranscript('\u001b[1m# ip link set foo4 up\u001b[0m\r\nCannot find device "foo4"\r\n\n$ true\n', 'ip first');
    expect(lines).to.deep.equal([{ line: 'Cannot find device "foo4"', command: 'ip link set foo4 up', lineNumber: 2 }]);
    expect(parseTranscript('RTNETLINK answers: File exists', 'ip route add 10.0.0.0/8 dev lo')[0]!.command).to.equal('ip route add 10.0.0.0/8 dev lo');
  });

  it('finds every error line of a pasted session, in order, with its command; ordinary output is left out', () => {
    expect(errorLines({ kind: 'transcript', text: SESSION })).to.deep.equal([
      { line: 'RTNETLINK answers: Operation not supported', command: 'ip -f mpls route add 101 dev lo' },
      { line: 'sysctl: cannot stat /proc/sys/net/mpls/platform_labels: No such file or directory', command: 'sysctl -w net.mpls.platform_labels=65535' },
      { line: 'RTNETLINK answers: Operation not supported', command: 'sudo ip -f mpls route add 102 dev lo && echo done' },
    ]);
  });

  it('a MESSAGE with line breaks is read as a transcript', () => {
    expect(errorLines({ kind: 'message', text: '# ip link set foo4 up\nCannot find device "foo4"\n' })).to.have.length(1);
    expect(errorLines({ kind: 'message', text: '  RTNETLINK answers: File exists \n' }, 'ip r add 1.2.3.0/24 dev lo')).to.deep.equal([
      { line: 'RTNETLINK answers: File exists', command: 'ip r add 1.2.3.0/24 dev lo' },
    ]);
  });

  it('picks the sub-command of the message\'s tool out of a && chain, past sudo and ip netns exec', () => {
    const m = matchLine('sysctl: cannot stat /proc/sys/net/mpls/conf/foo4/input: No such file or directory')!;
    const c = commandFor(m.entry, 'sudo ip netns exec B sysctl -w net.mpls.conf.foo4.input=1 && ip link set foo4 up')!;
    expect(c.tool).to.equal('sysctl');
    expect(c.netns).to.equal('B');
    expect(c.devices).to.deep.equal(['foo4']);
    const r = commandFor(matchLine('RTNETLINK answers: File exists')!.entry, 'modprobe mpls_router; ip -M r a 100 dev lo')!;
    expect([r.kind, r.verb, r.labels]).to.deep.equal(['mpls-route', 'add', ['100']]);
  });

  it('reads what commands name: labels, encap, devices, endpoints, sysctl keys, modules, ping options', () => {
    const [mpls] = parseCommandLine('ip -f mpls route add 0x10 as 200/300 via inet 10.0.0.1 dev veth0');
    expect(mpls!.labels).to.deep.equal(['0x10', '200', '300']);
    expect(mpls!.devices).to.deep.equal(['veth0']);
    expect(labelValue('0x10')).to.equal(16);
    const [encap] = parseCommandLine('ip route replace 10.199.0.0/24 encap mpls 100/200 dev foo4 mtu 1400');
    expect([encap!.kind, encap!.prefix, encap!.encap, encap!.labels, encap!.devices]).to.deep.equal(['ip-route', '10.199.0.0/24', 'mpls', ['100', '200'], ['foo4']]);
    const [tunnel] = parseCommandLine("ip tunnel add 'foo4' mode gre remote 10.128.100.2 local 10.128.0.2 ttl 64");
    expect([tunnel!.kind, tunnel!.devices, tunnel!.local, tunnel!.remote, tunnel!.linkType]).to.deep.equal(['tunnel', ['foo4'], '10.128.0.2', '10.128.100.2', 'gre']);
    const [link] = parseCommandLine('ip -n A link add name foo4 type gre remote 1.2.3.4 local 5.6.7.8');
    expect([link!.kind, link!.devices, link!.linkType, link!.netns, link!.remote]).to.deep.equal(['link-add', ['foo4'], 'gre', 'A', '1.2.3.4']);
    const [sysctl] = parseCommandLine('sysctl -q -w net/mpls/conf/foo4/input=1');
    expect(sysctl!.sysctl).to.deep.equal([{ key: 'net.mpls.conf.foo4.input', value: '1' }]);
    const [mod] = parseCommandLine('modprobe -a mpls-router ip_gre');
    expect(mod!.modules).to.deep.equal(['mpls_router', 'ip_gre']);
    const [ping] = parseCommandLine('ping -c3 -M do -s 1472 -I 10.199.0.1 10.199.0.2');
    expect(ping!.ping).to.deep.equal({ dontFragment: true, destination: '10.199.0.2', source: '10.199.0.1', size: 1472 });
    expect(splitWords(`a "b c" 'd e' f\\ g h&&i "j;k"`)).to.deep.equal(['a', 'b c', 'd e', 'f g', 'h', '&&', 'i', 'j;k']);
    expect(splitWords('a && b;c')).to.deep.equal(['a', '&&', 'b', ';', 'c']);
  });

  it('diagnoses every error of the pasted session against a fresh host (recorded), each with its command', async () => {
    const fx = loadTranscript('fresh-mpls-route-add');
    const host = new ReplayHost(fx.facts!);
    const r = await diagnoseCommand({ host, input: { kind: 'transcript', text: SESSION }, labels: [] });
    expect(host.unrecorded).to.deep.equal([]);
    expect(r.findings.map((f) => [f.command, f.causes[0]?.id, f.causes[0]?.confidence])).to.deep.equal([
      ['ip -f mpls route add 101 dev lo', 'mpls_router_missing', 'certain'],
      ['sysctl -w net.mpls.platform_labels=65535', 'mpls_router_missing', 'certain'],
      ['sudo ip -f mpls route add 102 dev lo && echo done', 'mpls_router_missing', 'certain'],
    ]);
    expect(r.findings[0]!.causes[0]!.explanation).to.equal('the kernel has no MPLS forwarding: mpls_router is not loaded (module file present)');
    expect(r.findings[0]!.causes[0]!.evidence).to.deep.equal([
      { source: '/proc/sys/net/mpls', value: 'absent' },
      { source: '/lib/modules/6.1.176/kernel/net/mpls/mpls_router.ko', value: 'present' },
    ]);
    expect(r.findings[0]!.causes[0]!.fix).to.equal('modprobe mpls_router && echo mpls_router >> /etc/modules-load.d/mpls.conf');
    expect(r.input).to.equal('transcript');
  });
});
