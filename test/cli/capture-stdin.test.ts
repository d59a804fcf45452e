import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { decodeBuffer, type Summary, summarize } from '../../src/capture/index.js';
import { replicateCapture } from '../../src/capture/pcap-rewrite.js';
import { renderCaptureSummary } from '../../src/cli/capture.js';
import { execLocal } from '../../src/host/spawn.js';
import { ROOT } from '../support/fixtures.js';

const CAPTURES = join(ROOT, 'test', 'fixtures', 'captures');
const BIN = join(ROOT, 'bin', 'mplsgre.js');

interface Run { code: number | null; stdout: string; stderr: string }

/** The real CLI as a process; `feed` writes its standard input through a real pipe. */
function cli(args: readonly string[], feed: (stdin: NodeJS.WritableStream, child: ChildProcess) => void, nodeArgs: readonly string[] = []): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...nodeArgs, BIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const killer = setTimeout(() => child.kill('SIGKILL'), 110_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.on('error', () => {}); // a CLI that refuses the input closes the pipe early
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
    feed(child.stdin, child);
  });
}

const fromFile = (file: string) => (stdin: NodeJS.WritableStream): void => {
  createReadStream(file).pipe(stdin);
};

/** Every count of a real capture's summary times `k`. */
function times(s: Summary, k: number): Summary {
  return {
    ...s,
    packets: s.packets * k, labelled: s.labelled * k, truncated: s.truncated * k, errors: s.errors * k,
    stacks: s.stacks.map((x) => ({ ...x, packets: x.packets * k })),
    echoes: s.echoes.map((x) => ({ ...x, requests: x.requests * k, replies: x.replies * k })),
  };
}

describe('capture decode - : a capture on standard input', function () {
  this.timeout(120_000);

  // Recorded captures, one per format the sniffing tells apart.
  for (const name of ['gre-any-sll2.pcap', 'gre-veth-nano.pcapng', 'gre-merged.pcapng', 'gre-veth.txt', 'mix-veth.v.txt']) {
    it(`${name} through a pipe decodes exactly as the file does (json and text)`, async () => {
      const file = join(CAPTURES, name);
      const [piped, direct] = await Promise.all([cli(['capture', 'decode', '-', '--json'], fromFile(file)), cli(['capture', 'decode', file, '--json'], () => {})]);
      expect(piped.code, piped.stderr + piped.stdout).to.equal(0);
      expect(direct.code, direct.stderr).to.equal(0);
      const result = (run: Run): unknown => (JSON.parse(run.stdout) as { result: unknown }).result;
      expect(result(piped)).to.deep.equal(result(direct));
      const [pipedText, directText] = await Promise.all([cli(['capture', 'decode', '-'], fromFile(file)), cli(['capture', 'decode', file], () => {})]);
      expect(pipedText.stdout.replace(/^stdin: /, '')).to.equal(directText.stdout.replace(`${file}: `, ''));
    });
  }

  it('an empty standard input is bad input (exit 2), named', async () => {
    const r = await cli(['capture', 'decode', '-'], (stdin) => stdin.end());
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/empty/);
  });

  it('streams 128 MB of a recorded capture, replicated, in a 32 MB heap: every packet counted exactly', async () => {
    const seed = readFileSync(join(CAPTURES, 'gre-any-sll2.pcap'));
    const seedSummary = summarize(decodeBuffer(seed));
    const rounds = Math.ceil((128 * 1024 * 1024) / seed.length);
    const packets = rounds * seedSummary.packets;
    // Keeping a record (or anything) per packet would pass the heap's limit many times over and end the process.
    const r = await cli(['capture', 'decode', '-'], (stdin) => {
      Readable.from(replicateCapture(seed, packets)).pipe(stdin);
    }, ['--max-old-space-size=32']);
    expect(r.code, r.stderr).to.equal(0);
    const want = renderCaptureSummary('stdin', { summary: times(seedSummary, rounds), format: 'pcap', count: packets });
    expect(r.stdout).to.equal(want);
  });

  describe('live: tcpdump -U -w - piped in, in a private network namespace', function () {
    const ns = `mplsgre-t-${randomBytes(3).toString('hex')}`;
    before(async () => {
      const r = await execLocal('ip', ['netns', 'add', ns], { timeoutMs: 10_000 });
      if (r.failed) throw new Error(`cannot create a network namespace (root and iproute2 needed): ${r.stderr}`);
      await execLocal('ip', ['-n', ns, 'link', 'set', 'dev', 'lo', 'up'], { timeoutMs: 10_000 });
    });
    after(async () => {
      await execLocal('ip', ['netns', 'delete', ns], { timeoutMs: 10_000 });
    });

    it('decodes the packets tcpdump writes as it captures them; its end is the input\'s end, and every packet is counted', async () => {
      const tcpdump = spawn('ip', ['netns', 'exec', ns, 'tcpdump', '--immediate-mode', '-U', '-c', '10', '-w', '-', '-i', 'lo', '-nn', 'icmp'], { stdio: ['ignore', 'pipe', 'pipe'] });
      const tcpdumpKiller = setTimeout(() => tcpdump.kill('SIGKILL'), 60_000);
      const tcpdumpDone = new Promise<void>((resolve) => tcpdump.on('close', () => resolve()));
      let tcpdumpErr = '';
      const listening = new Promise<void>((resolve) => tcpdump.stderr.on('data', (d: Buffer) => {
        tcpdumpErr += d.toString();
        if (tcpdumpErr.includes('listening on')) resolve();
      }));
      try {
        const run = cli(['capture', 'decode', '-', '--json'], (stdin) => tcpdump.stdout.pipe(stdin));
        await listening;
        const ping = await execLocal('ip', ['netns', 'exec', ns, 'ping', '-c', '5', '-i', '0.01', '-W', '1', '127.0.0.1'], { timeoutMs: 20_000 });
        expect(ping.exitCode, ping.stderr).to.equal(0);
        // tcpdump stops by itself after the 10 packets of 5 echoes: no timing decides the count.
        const r = await run;
        expect(r.code, r.stderr).to.equal(0);
        const result = (JSON.parse(r.stdout) as { result: { format: string; count: number; summary: Summary } }).result;
        expect(result.format).to.equal('pcap');
        expect(result.count, `${tcpdumpErr}\n${r.stdout.slice(0, 600)}`).to.equal(10);
        expect(result.summary.echoes.map((e) => [e.src, e.dst, e.requests, e.replies])).to.deep.equal([['127.0.0.1', '127.0.0.1', 5, 5]]);
      } finally {
        clearTimeout(tcpdumpKiller);
        tcpdump.kill('SIGKILL');
        await tcpdumpDone;
      }
    });
  });
});
