import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseListen } from '../../src/cli/listen.js';
import { ROOT } from '../support/fixtures.js';
import { runCli } from '../support/run-cli.js';
import { schemaErrors } from '../support/schema.js';

const BIN = join(ROOT, 'bin', 'mplsgre.js');
const SEED = join(ROOT, 'examples', 'seed.yaml');

/** A namespace name no test creates: a watch that got as far as binding hosts would say it is missing (exit 3). */
const GHOST = `tunnel: { name: foo4, overlay: 10.199.0.0/24 }
hosts:
  A: { target: netns:mplsgre-watch-absent-A, underlay: 10.128.0.2, overlay: 10.199.0.1, label: 100 }
  B: { target: netns:mplsgre-watch-absent-B, underlay: 10.128.100.2, overlay: 10.199.0.2, label: 101 }
`;

/** This machine as both ends: no foo4 here, so every round says so; nothing is changed. */
const LOCAL = GHOST.replace(/netns:mplsgre-watch-absent-[AB]/g, 'local');

const listening = (s: Server): Promise<number> => new Promise((resolve) => s.listen(0, '127.0.0.1', () => resolve((s.address() as { port: number }).port)));

describe('watch: the CLI', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mplsgre-watch-cli-'));
    await writeFile(join(dir, 'ghost.yaml'), GHOST);
    await writeFile(join(dir, 'local.yaml'), LOCAL);
    await writeFile(join(dir, 'bad.yaml'), GHOST.replace('label: 100', 'label: 5'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('--listen parses ADDR:PORT: IPv4, bracketed IPv6, a host name', () => {
    expect(parseListen('127.0.0.1:9478')).to.deep.equal({ host: '127.0.0.1', port: 9478 });
    expect(parseListen('[::1]:9478')).to.deep.equal({ host: '::1', port: 9478 });
    expect(parseListen('localhost:1')).to.deep.equal({ host: 'localhost', port: 1 });
  });

  for (const [args, field, says] of [
    [['--interval', '1'], '--listen', 'ADDR:PORT is required'],
    [['--listen', '127.0.0.1'], '--listen', 'must be ADDR:PORT'],
    [['--listen', '::1:9478'], '--listen', 'must be ADDR:PORT'],
    [['--listen', '127.0.0.1:0'], '--listen', 'port must be 1 to 65535'],
    [['--listen', '127.0.0.1:65536'], '--listen', 'port must be 1 to 65535'],
    [['--listen', '300.1.1.1:9478'], '--listen', 'is not an IPv4 address'],
    [['--listen', '127.0.0.1:9478', '--interval', '0'], '--interval', 'must be a number of seconds'],
    [['--listen', '127.0.0.1:9478', '--interval=-1'], '--interval', 'must be a number of seconds'],
    [['--listen', '127.0.0.1:9478', '--interval', 'abc'], '--interval', 'must be a number of seconds'],
    [['--listen', '127.0.0.1:9478', '--check-interval', '0.5'], '--check-interval', 'must be a number of seconds'],
  ] as const) {
    it(`bad input ${args.join(' ')}: exit 2 naming ${field}, before any host or port is touched`, async () => {
      const r = await runCli(['watch', join(dir, 'ghost.yaml'), ...args, '--json']);
      expect(r.code, r.stdout).to.equal(2);
      const doc = JSON.parse(r.stdout) as { error: { field: string; message: string } };
      expect(doc.error.field).to.equal(field);
      expect(doc.error.message).to.contain(says);
    });
  }

  it('a bad topology: exit 2 naming the field (the namespaces it names are never looked for)', async () => {
    const r = await runCli(['watch', join(dir, 'bad.yaml'), '--listen', '127.0.0.1:9478', '--json']);
    expect(r.code).to.equal(2);
    expect((JSON.parse(r.stdout) as { error: { field: string } }).error.field).to.equal('hosts.A.label');
  });

  it('the port in use: exit 3 with the reason', async () => {
    const busy = createServer();
    const port = await listening(busy);
    try {
      const r = await runCli(['watch', SEED, '--listen', `127.0.0.1:${port}`]);
      expect(r.code).to.equal(3);
      expect(r.stderr).to.contain(`--listen 127.0.0.1:${port}: cannot listen: the port is in use (EADDRINUSE)`);
    } finally {
      busy.close();
    }
  });

  it('an address not on this machine: exit 3 with the reason', async () => {
    const r = await runCli(['watch', SEED, '--listen', '192.0.2.1:9478']);
    expect(r.code).to.equal(3);
    expect(r.stderr).to.contain('cannot listen: the address is not one of this machine\'s (EADDRNOTAVAIL)');
  });

  it('a target namespace missing: exit 3 naming it, and the port is free again', async () => {
    const probe = createServer();
    const port = await listening(probe);
    await new Promise((r) => probe.close(r));
    const r = await runCli(['watch', join(dir, 'ghost.yaml'), '--listen', `127.0.0.1:${port}`]);
    expect(r.code).to.equal(3);
    expect(r.stderr).to.contain('mplsgre-watch-absent-A');
    const again = createServer();
    expect(await listening(again)).to.be.a('number');
    again.close();
  });

  for (const [sig, code] of [['SIGTERM', 0], ['SIGINT', 130]] as const) {
    it(`serves /metrics (404 elsewhere) until ${sig}, then exits ${code} with the server closed`, async function () {
      this.timeout(60_000);
      const probe = createServer();
      const port = await listening(probe);
      await new Promise((r) => probe.close(r));
      const child = spawn(process.execPath, [BIN, 'watch', join(dir, 'local.yaml'), '--listen', `127.0.0.1:${port}`, '--interval', '0.5', ...(sig === 'SIGINT' ? ['--json'] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      let stdout = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
      const killer = setTimeout(() => child.kill('SIGKILL'), 55_000);
      try {
        const url = `http://127.0.0.1:${port}`;
        let body = '';
        for (let i = 0; i < 200 && !/mplsgre_rounds_total\{tunnel="foo4"\} [1-9]/.test(body); i++) {
          await new Promise((r) => setTimeout(r, 100));
          body = await fetch(`${url}/metrics`).then((r) => r.text(), () => '');
        }
        expect(body, stderr).to.match(/mplsgre_rounds_total\{tunnel="foo4"\} [1-9]/);
        const res = await fetch(`${url}/metrics`);
        expect(res.headers.get('content-type')).to.equal('text/plain; version=0.0.4; charset=utf-8');
        // No foo4 on this machine: both directions down, the cause read from the host.
        expect(body).to.contain('mplsgre_direction_up{tunnel="foo4",from="A",to="B",label="100"} 0');
        expect(body).to.contain('mplsgre_direction_cause_info{tunnel="foo4",from="A",to="B",cause="interface_missing",confidence="certain"} 1');
        expect((await fetch(`${url}/nope`)).status).to.equal(404);
        expect((await fetch(`${url}/metrics`, { method: 'POST' })).status).to.equal(405);
        child.kill(sig);
        expect(await exited, stderr).to.equal(code);
        expect(stderr).to.contain(`stopped by ${sig}`);
        if (sig === 'SIGINT') {
          // --json: the last round, as the schema describes it.
          const doc = JSON.parse(stdout) as { result: { directions: { up: boolean; cause?: { id: string } }[] } };
          expect(schemaErrors(doc)).to.equal(undefined);
          expect(doc.result.directions.map((d) => [d.up, d.cause?.id])).to.deep.equal([[false, 'interface_missing'], [false, 'interface_missing']]);
        } else {
          expect(stdout).to.contain('A->B label 100: down');
        }
        expect(await fetch(`${url}/metrics`).then(() => 'answered', () => 'refused')).to.equal('refused');
      } finally {
        clearTimeout(killer);
        child.kill('SIGKILL');
      }
    });
  }
});
