import { expect } from 'chai';
import { parseTcpdumpText } from '../../src/capture/index.js';

describe('tcpdump text parser', () => {
  it('reads tcpdump 4.9 "exp" label entries and -# numbering (tcpdump tests/mpls-traceroute.out)', () => {
    // Two lines quoted from the-tcpdump-group/tcpdump tests/mpls-traceroute.out.
    const text = [
      '    1  10:13:29.315598 MPLS (label 100704, exp 0, [S], ttl 1) IP 12.4.4.4.42315 > 12.1.1.1.33435: UDP, length 12',
      '    2  10:13:29.316413 IP 10.5.0.1 > 12.4.4.4: ICMP time exceeded in-transit, length 148',
    ].join('\n');
    const [a, b, ...rest] = parseTcpdumpText(text);
    expect(rest).to.deep.equal([]);
    expect(a).to.deep.equal({
      index: 0,
      ts: { sec: 10 * 3600 + 13 * 60 + 29, nsec: 315598000 },
      mpls: [{ label: 100704, tc: 0, bottom: true, ttl: 1 }],
      inner: { src: '12.4.4.4', dst: '12.1.1.1', version: 4 },
    });
    expect(b?.outer).to.deep.equal({ src: '10.5.0.1', dst: '12.4.4.4', version: 4, proto: 1 });
    expect(b?.icmp).to.equal(undefined);
  });

  it('reads -e -v entries whose inner IP header has no "IP" prefix', () => {
    // Written for this test in the form tcpdump 4.9 prints with -envi (MPLS over Ethernet, "exp").
    const text = [
      '21:29:35.448314 08:00:27:55:c1:95 > 08:00:27:ce:bd:53, ethertype MPLS unicast (0x8847), length 102: MPLS (label 100, exp 0, [S], ttl 63)',
      '\t(tos 0x0, ttl 63, id 50854, offset 0, flags [DF], proto ICMP (1), length 84)',
      '    10.3.3.2 > 10.4.4.2: ICMP echo request, id 1501, seq 1, length 64',
    ].join('\n');
    const [r] = parseTcpdumpText(text);
    expect(r).to.deep.include({ length: 102, mpls: [{ label: 100, tc: 0, bottom: true, ttl: 63 }] });
    expect(r?.inner).to.deep.equal({ src: '10.3.3.2', dst: '10.4.4.2', version: 4, proto: 1 });
    expect(r?.icmp).to.deep.equal({ type: 8, code: 0, id: 1501, seq: 1 });
  });

  it('reads a GRE header with -e: key, proto, and a -vvv multi-line stack', () => {
    // Written for this test in tcpdump's -e -vvv -x form; label 3 shows a reserved label's name.
    const text = [
      '04:52:21.134489 da:09:23:48:34:fa > 46:b2:0e:46:8b:13, ethertype IPv4 (0x0800), length 1514: (tos 0x0, ttl 63, id 31796, offset 0, flags [none], proto GRE (47), length 1500)',
      '    192.168.100.10 > 10.8.0.51: GREv0, Flags [key present], key=0x10, proto MPLS unicast (0x8847), length 1480',
      '\tMPLS (label 17, exp 0, ttl 63)',
      '\t(label 3 (implicit NULL), exp 5, [S], ttl 63)',
      '\t(tos 0x0, ttl 63, id 31796, offset 0, flags [DF], proto ICMP (1), length 1472)',
      '    192.168.0.3 > 10.0.2.15: ICMP echo reply, id 24321, seq 0, length 1452',
      '\t0x0000:  4500 05dc 7c34 0000 3f2f 5a4e c0a8 640a  E...|4..?/ZN..d.',
    ].join('\n');
    const [r, ...rest] = parseTcpdumpText(text);
    expect(rest).to.deep.equal([]);
    expect(r?.outer).to.deep.equal({ src: '192.168.100.10', dst: '10.8.0.51', version: 4, proto: 47 });
    expect(r?.gre).to.deep.equal({ key: 16, proto: 0x8847 });
    expect(r?.mpls).to.deep.equal([
      { label: 17, tc: 0, bottom: false, ttl: 63 },
      { label: 3, tc: 5, bottom: true, ttl: 63 },
    ]);
    expect(r?.icmp).to.deep.equal({ type: 0, code: 0, id: 24321, seq: 0 });
  });

  it('marks [|mpls], [|gre] and [|icmp] truncation, and keeps what came before', () => {
    const recs = parseTcpdumpText(
      [
        '15:11:29.812202 IP 10.128.0.2 > 10.128.100.2: GREv0, length 92: MPLS (label 100, tc 0, [S], ttl 64) IP  [|ip]',
        '15:11:29.812203 IP 10.128.0.2 > 10.128.100.2: GREv0 [|gre]',
        '15:11:29.812204 MPLS[|MPLS]',
        '15:11:29.812205 IP 10.0.0.1 > 10.0.0.2: ICMP echo request [|icmp]',
      ].join('\n'),
    );
    expect(recs.map((r) => r.truncated)).to.deep.equal([true, true, true, true]);
    expect(recs[0]?.mpls.map((e) => e.label)).to.deep.equal([100]);
    expect(recs[1]?.gre).to.deep.equal({});
  });

  it('reads -t, -tt and -tttt timestamps and skips tcpdump banners', () => {
    const recs = parseTcpdumpText(
      [
        'reading from file x.pcap, link-type EN10MB (Ethernet), snapshot length 262144',
        'IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 1, seq 2, length 64',
        '1700000000.000001 IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 1, seq 3, length 64',
        '2023-11-14 22:13:20.123456789 IP6 fd00::1 > fd00::2: ICMP6, echo reply, id 1, seq 4, length 64',
        '3 packets captured',
      ].join('\r\n'),
    );
    expect(recs.map((r) => r.ts)).to.deep.equal([undefined, { sec: 1700000000, nsec: 1000 }, { sec: 1700000000, nsec: 123456789 }]);
    expect(recs[2]?.icmp).to.deep.equal({ type: 129, code: 0, id: 1, seq: 4 });
    expect(recs[2]?.outer?.version).to.equal(6);
  });

  it('strips ports from IPv4 and IPv6 addresses, keeps ::ffff:a.b.c.d', () => {
    const recs = parseTcpdumpText(
      ['IP 10.0.0.1.22 > 10.0.0.2.5000: Flags [S], length 0', 'IP6 fd00::1.53 > ::ffff:10.0.0.1: UDP, length 1'].join('\n'),
    );
    expect(recs.map((r) => [r.outer?.src, r.outer?.dst])).to.deep.equal([
      ['10.0.0.1', '10.0.0.2'],
      ['fd00::1', '::ffff:10.0.0.1'],
    ]);
  });

  it('takes time linear in the input', () => {
    const line = '10:00:00.000000 IP 10.128.0.2 > 10.128.100.2: GREv0, length 92: MPLS (label 100, tc 0, [S], ttl 64) IP 10.199.0.1 > 10.199.0.2: ICMP echo request, id 1, seq 1, length 64\n';
    const parens = `10:00:00.000000 IP ${'('.repeat(50_000)} ${'[|'.repeat(50_000)} ${'> '.repeat(50_000)}\n`;
    const recs = parseTcpdumpText(line.repeat(20_000) + parens);
    expect(recs).to.have.length(20_001);
    expect(recs[19_999]?.icmp?.seq).to.equal(1);
  });
});
