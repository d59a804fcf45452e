/**
 * Campaign: parsers under attack. Recorded inputs (captures, `ip -j` outputs, a kernel config,
 * all from real kernels) mutated byte by byte, 100,000 cases per parser family, plus fast-check
 * properties on arbitrary input. Each parser returns its records or its typed error, nothing else.
 * Not hanging is shown by every case finishing; bounded allocation by the streaming decoder, whose
 * fixed window refuses (RangeError) any request larger than itself.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync, gunzipSync } from 'node:zlib';
import { CaptureFormatError, decodeBuffer, decodeStream, parseTcpdumpText, type PacketRecord } from '../../src/capture/index.js';
import { MAX_BLOCK, MAX_CAPLEN, WINDOW_SIZE } from '../../src/capture/format-reader.js';
import { isInEffect } from '../../src/core/plan-check.js';
import { mplsRouteLabels, mplsStatsOf, neighState, routeCount, routeDev, UnreadableOutput } from '../../src/diagnose/ip-json.js';
import { parseLinks } from '../../src/diagnose/tunnels.js';
import { KernelConfigError, parseKernelConfig } from '../../src/probes/kernel.js';
import { loadFacts, ROOT } from '../support/fixtures.js';
import { mutate, rng } from '../support/mutate.js';

const CASES = 100_000;
const SEED = Number(process.env.MPLSGRE_FUZZ_SEED ?? 20_261_130);
const CAPTURES = join(ROOT, 'test', 'fixtures', 'captures');
const TRANSCRIPTS = join(ROOT, 'test', 'fixtures', 'transcripts');

const binaries = readdirSync(CAPTURES).filter((f) => /\.pcap(ng)?$/.test(f)).sort().map((f) => readFileSync(join(CAPTURES, f)));
/** The recorded tcpdump outputs in runs of 8 lines: each case stays small, so 100,000 of them stay cheap. */
const texts = readdirSync(CAPTURES).filter((f) => f.endsWith('.txt')).sort().flatMap((f) => {
  const lines = readFileSync(join(CAPTURES, f), 'utf8').split('\n');
  return Array.from({ length: Math.ceil(lines.length / 8) }, (_, i) => Buffer.from(lines.slice(i * 8, i * 8 + 8).join('\n')));
});

/** Every `ip -j` output recorded with the diagnose transcripts, by command. */
const ipOutputs: { command: string; stdout: string }[] = readdirSync(TRANSCRIPTS).sort().flatMap((f) => {
  const t = JSON.parse(readFileSync(join(TRANSCRIPTS, f), 'utf8')) as { facts?: { commands: Record<string, { stdout: string }> } };
  return Object.entries(t.facts?.commands ?? {}).filter(([c, r]) => c.startsWith('ip -j') && r.stdout.trim() !== '').map(([command, r]) => ({ command, stdout: r.stdout }));
});

/** The recorded host's kernel config, cut to the options mplsgre reads and their neighbours (full size would only make each case slower). */
const hostConfig = (() => {
  const gz = loadFacts('host').files['/proc/config.gz'] as { base64: string };
  const lines = gunzipSync(Buffer.from(gz.base64, 'base64')).toString('utf8').split('\n');
  return Buffer.from([...lines.slice(0, 30), ...lines.filter((l) => /MPLS|GRE|IP_TUNNEL|MODULES|NET_NS/.test(l))].join('\n') + '\n');
})();
const CONFIG_OPTIONS = ['CONFIG_MPLS', 'CONFIG_NET_MPLS_GSO', 'CONFIG_MPLS_ROUTING', 'CONFIG_MPLS_IPTUNNEL', 'CONFIG_NET_IPGRE', 'CONFIG_NET_IPGRE_DEMUX', 'CONFIG_IPV6_GRE', 'CONFIG_MODULES'];

/** Runs `fn`; anything thrown must be an instance of `typed`. Returns whether it threw. */
function typedOnly(fn: () => unknown, typed: new (...a: never[]) => Error, what: () => string): boolean {
  try {
    fn();
    return false;
  } catch (err) {
    if (!(err instanceof typed)) throw new Error(`${what()}: threw ${(err as Error)?.name}: ${(err as Error)?.message}`, { cause: err });
    return true;
  }
}

function checkRecords(records: PacketRecord[], what: () => string): void {
  for (const r of records) {
    if (!Number.isInteger(r.index) || !Array.isArray(r.mpls)) throw new Error(`${what()}: malformed record ${JSON.stringify(r)}`);
    for (const e of r.mpls) {
      if (!(e.label >= 0 && e.label <= 0xfffff && e.tc >= 0 && e.tc <= 7 && e.ttl >= 0 && e.ttl <= 255)) throw new Error(`${what()}: MPLS entry ${JSON.stringify(e)}`);
    }
    if (r.caplen !== undefined && r.caplen > MAX_CAPLEN) throw new Error(`${what()}: caplen ${r.caplen} over ${MAX_CAPLEN}`);
  }
}

const tally: string[] = [];

describe('hardening: parsers under attack (mutation fuzzing of recorded inputs)', function () {
  this.timeout(300_000);
  // Hundreds of thousands of expected refusals: an Error without a captured stack costs a third.
  let stackTraceLimit = Error.stackTraceLimit;
  before(() => {
    stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
  });

  it('the inputs are the recorded ones', () => {
    expect(binaries.length).to.be.at.least(8);
    expect(texts.length).to.be.at.least(8);
    expect(new Set(ipOutputs.map((o) => o.command.split(' ').slice(0, 4).join(' '))).size).to.be.at.least(5);
    expect(hostConfig.toString()).to.include('CONFIG_MPLS');
  });

  it('the streaming window holds the largest record or block a decoder may ask for', () => {
    // A decoder asks the window for at most 16 + MAX_CAPLEN (pcap) or MAX_BLOCK (pcapng) bytes;
    // larger claims end the file or are skipped unread, so no untrusted length reaches an allocation.
    expect(16 + MAX_CAPLEN).to.be.at.most(WINDOW_SIZE);
    expect(MAX_BLOCK).to.be.at.most(WINDOW_SIZE);
  });

  it(`pcap/pcapng decoder: ${CASES.toLocaleString('en-US')} mutated captures, records or CaptureFormatError`, () => {
    const next = rng(SEED);
    let refused = 0;
    let records = 0;
    for (let i = 0; i < CASES; i++) {
      const input = mutate(binaries[i % binaries.length]!, binaries, next);
      const what = (): string => `seed ${SEED} case ${i}`;
      let out: PacketRecord[] = [];
      if (typedOnly(() => (out = decodeBuffer(input)), CaptureFormatError, what)) refused++;
      checkRecords(out, what);
      records += out.length;
    }
    tally.push(`pcap/pcapng: ${CASES} cases, ${refused} refused with CaptureFormatError, ${records} records`);
    expect(refused).to.be.within(1, CASES - 1);
  });

  it('streaming decoder: 1,500 mutated captures, dribbled in odd chunks, give what the in-memory decoder gives', async () => {
    const next = rng(SEED + 1);
    for (let i = 0; i < 1500; i++) {
      const input = mutate(binaries[i % binaries.length]!, binaries, next);
      let expected: PacketRecord[] | string;
      try {
        expected = decodeBuffer(input);
      } catch (err) {
        expected = (err as Error).message;
      }
      const size = 1 + (next() % 700);
      const chunks: Buffer[] = [];
      for (let p = 0; p < input.length; p += size) chunks.push(Buffer.from(input.subarray(p, p + size)));
      let got: PacketRecord[] | string = [];
      try {
        for await (const r of await decodeStream(Readable.from(chunks))) (got as PacketRecord[]).push(r);
      } catch (err) {
        if (!(err instanceof CaptureFormatError)) throw new Error(`seed ${SEED + 1} case ${i}: ${(err as Error).name}: ${(err as Error).message}`);
        got = err.message;
      }
      // The file's first bytes are sniffed when streaming, so a refusal may word its reason differently.
      if (typeof expected === 'string') expect(got, `seed ${SEED + 1} case ${i}`).to.be.a('string');
      else expect(got, `seed ${SEED + 1} case ${i}`).to.deep.equal(expected);
    }
  });

  it(`tcpdump text parser: ${CASES.toLocaleString('en-US')} mutated transcripts, records and never a throw`, () => {
    const next = rng(SEED + 2);
    let records = 0;
    for (let i = 0; i < CASES; i++) {
      const text = Buffer.from(mutate(texts[i % texts.length]!, texts, next)).toString(i % 2 ? 'utf8' : 'latin1');
      const out = parseTcpdumpText(text);
      checkRecords(out, () => `seed ${SEED + 2} case ${i}`);
      records += out.length;
    }
    tally.push(`tcpdump text: ${CASES} cases, ${records} records`);
    expect(records).to.be.above(0);
  });

  const READERS: [string, (s: string) => unknown][] = [
    ['parseLinks', parseLinks],
    ['mplsRouteLabels', mplsRouteLabels],
    ['routeCount', routeCount],
    ['routeDev', routeDev],
    ['neighState', neighState],
    ['mplsStatsOf', mplsStatsOf],
  ];
  const inEffect = (stdout: string): boolean =>
    isInEffect({ kind: 'exec', argv: [], inEffectWhen: { kind: 'json-includes', value: [{ ifname: 'foo4', linkinfo: { info_kind: 'gre' } }] } }, { exitCode: 0, stdout });

  /** The reader of each recorded command. */
  const readerOf = (command: string): [string, (s: string) => unknown] =>
    READERS.find(([name]) => command.includes({ parseLinks: ' address ', mplsRouteLabels: ' mpls ', routeCount: ' exact ', routeDev: ' get ', neighState: ' neigh ', mplsStatsOf: ' stats ' }[name]!)) ?? READERS[0]!;

  it(`ip -j readers: ${CASES.toLocaleString('en-US')} mutated outputs, each through its command's reader, parseLinks and isInEffect: a value or UnreadableOutput`, () => {
    const next = rng(SEED + 3);
    const pool = ipOutputs.map((o) => Buffer.from(o.stdout));
    const readers = ipOutputs.map((o) => readerOf(o.command));
    let unreadable = 0;
    for (let i = 0; i < CASES; i++) {
      const k = i % pool.length;
      const text = Buffer.from(mutate(pool[k]!, pool, next)).toString('utf8');
      const [name, read] = readers[k]!;
      if (typedOnly(() => read(text), UnreadableOutput, () => `${name} seed ${SEED + 3} case ${i}`)) unreadable++;
      if (name !== 'parseLinks') typedOnly(() => parseLinks(text), UnreadableOutput, () => `parseLinks seed ${SEED + 3} case ${i}`);
      expect(typeof inEffect(text)).to.equal('boolean');
    }
    tally.push(`ip -j: ${CASES} cases, ${unreadable} UnreadableOutput from their command's reader`);
    expect(unreadable).to.be.above(0);
    expect(new Set(readers.map(([name]) => name)).size).to.equal(READERS.length);
  });

  it(`kernel config reader: ${CASES.toLocaleString('en-US')} mutated configs (a tenth gzip), options or KernelConfigError`, () => {
    const next = rng(SEED + 4);
    const gz = gzipSync(hostConfig);
    let refused = 0;
    for (let i = 0; i < CASES; i++) {
      const input = Buffer.from(i % 10 === 0 ? mutate(gz, [gz], next) : mutate(hostConfig, [hostConfig], next));
      typedOnly(() => {
        const options = parseKernelConfig(input);
        for (const o of CONFIG_OPTIONS) {
          const v = options?.get(o);
          if (v !== undefined && (typeof v !== 'string' || v.includes('\n'))) throw new Error(`${o} = ${JSON.stringify(v)}`);
        }
      }, KernelConfigError, () => `seed ${SEED + 4} case ${i}`) && refused++;
    }
    tally.push(`kernel config: ${CASES} cases, ${refused} KernelConfigError`);
    expect(refused).to.be.above(0);
  });

  describe('properties on arbitrary input (fast-check)', () => {
    it('decodeBuffer: any bytes after a valid pcap or pcapng header give records or CaptureFormatError', () => {
      const heads = [binaries[0]!.subarray(0, 24), binaries.find((b) => b.readUInt32BE(0) === 0x0a0d0d0a)!.subarray(0, 28)];
      fc.assert(fc.property(fc.constantFrom(...heads), fc.uint8Array({ maxLength: 2048 }), (head, body) => {
        let out: PacketRecord[] = [];
        typedOnly(() => (out = decodeBuffer(Buffer.concat([head, body]))), CaptureFormatError, () => 'property');
        checkRecords(out, () => 'property');
      }), { numRuns: 3000 });
    });

    it('ip -j readers: any JSON value gives a value or UnreadableOutput, whatever its nesting', () => {
      fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        const text = JSON.stringify(v) ?? 'null';
        for (const [name, read] of READERS) typedOnly(() => read(text), UnreadableOutput, () => name);
        expect(typeof inEffect(text)).to.equal('boolean');
      }), { numRuns: 3000 });
    });

    it('tcpdump text and kernel config: any string parses without throwing', () => {
      fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 2000 }), (s) => {
        expect(parseTcpdumpText(s)).to.be.an('array');
        typedOnly(() => parseKernelConfig(Buffer.from(s))?.get('CONFIG_MPLS'), KernelConfigError, () => 'config');
      }), { numRuns: 3000 });
    });
  });

  describe('regressions the campaign found', () => {
    it('a deeply nested `ip -j` output is read, not a stack overflow (isInEffect, parseLinks)', () => {
      const deep = '['.repeat(100_000) + ']'.repeat(100_000);
      expect(inEffect(deep)).to.equal(false);
      expect(parseLinks(deep)).to.deep.equal([]);
    });

    it('ip -j readers on non-array or oddly typed JSON: UnreadableOutput or a value, not a TypeError', () => {
      expect(() => parseLinks('{"ifname":"x"}')).to.throw(UnreadableOutput);
      expect(parseLinks('[null, 5, {"ifname":"a","flags":"UP","addr_info":{"local":1}}]')).to.deep.equal([{ name: 'a', up: false, addresses: [] }]);
      expect(routeDev('[null]')).to.equal('?');
      expect(neighState('[{"state":"REACHABLE"}]')).to.equal('NONE');
      expect(() => mplsStatsOf('[{"mpls_stats":{"rx":5}}]')).to.throw(UnreadableOutput);
      expect(mplsRouteLabels('[null, {"dst":"101"}]')).to.deep.equal([101]);
    });

    it('tcpdump text: a label over 20 bits, a tc over 7 or a ttl over 255 is damage, not an MPLS entry', () => {
      const line = readFileSync(join(CAPTURES, 'gre-veth.txt'), 'utf8').split('\n').find((l) => l.includes('(label 100,'))!;
      expect(parseTcpdumpText(line)[0]!.mpls.map((e) => e.label)).to.deep.equal([100]);
      for (const bad of ['(label 2112368,', '(label -1,']) expect(parseTcpdumpText(line.replace('(label 100,', bad))[0]).to.deep.include({ mpls: [], truncated: true });
      expect(parseTcpdumpText(line.replace('tc 0,', 'tc 9,'))[0]).to.deep.include({ mpls: [], truncated: true });
      expect(parseTcpdumpText(line.replace('ttl 64)', 'ttl 300)'))[0]).to.deep.include({ mpls: [], truncated: true });
    });

    it('a corrupt gzip kernel config is a KernelConfigError', () => {
      expect(() => parseKernelConfig(Buffer.from([0x1f, 0x8b, 0x08, 0, 1, 2, 3]))).to.throw(KernelConfigError);
    });
  });

  after(() => {
    Error.stackTraceLimit = stackTraceLimit;
    if (tally.length) console.log(`      parser campaign: ${tally.join('; ')}`);
  });
});
