import { expect } from 'chai';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { plan as makePlan } from '../../src/core/planner.js';
import { parseTopology } from '../../src/core/topology.js';
import { applyPlan } from '../../src/engine/apply.js';
import { StateStore } from '../../src/engine/state.js';
import type { Background, ExecResult, FileRead, Host } from '../../src/host/host.js';
import { renderApply } from '../../src/report/tunnel-text.js';

const TOPO = parseTopology(`tunnel: { name: foo4, overlay: 10.199.0.0/24 }
hosts:
  A: { target: netns:a, underlay: 10.128.0.2, overlay: 10.199.0.1, label: 100 }
  B: { target: netns:b, underlay: 10.128.100.2, overlay: 10.199.0.2, label: 101 }
`);

/** A host where nothing is in effect and every command fails: up fails at its first change. */
class RefusingHost implements Host {
  readonly name = 'refusing';
  async exec(file: string, args: readonly string[]): Promise<ExecResult> {
    return { argv: [file, ...args], exitCode: 1, signal: null, stdout: '', stderr: `${file}: Operation not permitted`, failed: true, timedOut: false, durationMs: 0 };
  }
  async readFiles(paths: readonly string[]): Promise<FileRead[]> {
    return paths.map((path) => ({ path, ok: false, error: 'ENOENT' }));
  }
  start(): Background {
    throw new Error('not used');
  }
}

describe('up: the text of a failure', () => {
  it('that came before any change says nothing had been changed, and names the failure once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mplsgre-apply-text-'));
    try {
      const host = new RefusingHost();
      const r = await applyPlan(makePlan(TOPO), new Map([['A', host], ['B', host]]), new StateStore(dir));
      expect(r.ok).to.equal(false);
      expect(r.rolledBack).to.deep.equal([]);
      const text = renderApply(r, { color: false });
      expect(text).to.not.include('Rolled back 0');
      expect(text).to.include('Nothing had been changed');
      const message = r.failure!.message;
      expect(text.split(message).length - 1, `"${message}" once in:\n${text}`).to.equal(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
