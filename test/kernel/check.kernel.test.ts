import { expect } from 'chai';
import { runGuest } from '../support/guest.js';
import { schemaErrors } from '../support/schema.js';
import type { CheckReport } from '../../src/commands/check.js';
import { KERNEL_STATES } from '../../scripts/kernel-states.js';
import { EXPECT } from '../support/expectations.js';
import type { GuestCheckRun } from './guest-check.js';

/**
 * The kernel tier: `mplsgre check` (the real CLI) on a real MPLS-capable kernel, user-mode
 * Linux 6.1, in every recorded state. It installs user-mode-linux when root on Debian and fails
 * loudly where it cannot: it never passes by skipping.
 */
describe('kernel tier: check in user-mode Linux', function () {
  this.timeout(300_000);
  let runs: GuestCheckRun[] = [];

  before(async () => {
    runs = await runGuest<GuestCheckRun[]>(new URL('./guest-check.js', import.meta.url), 'checkEveryState');
  });

  it('ran every kernel state', () => {
    expect(runs.map((r) => r.state)).to.deep.equal(KERNEL_STATES.map((s) => s.name));
  });

  for (const state of KERNEL_STATES) {
    describe(state.name, () => {
      const report = (): { code: number | null; r: CheckReport } => {
        const run = runs.find((x) => x.state === state.name);
        expect(run, `${state.name} ran`).to.exist;
        const doc = JSON.parse(run!.stdout) as { result: CheckReport };
        expect(schemaErrors(doc), `${state.name}: check --json against the schema`).to.equal(undefined);
        return { code: run!.code, r: doc.result };
      };

      it('kernel is 6.1 and the exit code follows the verdict', () => {
        const { code, r } = report();
        expect(r.kernel).to.match(/^6\.1\./);
        expect(code).to.equal(r.ready ? 0 : 1);
        expect(r.ready).to.equal(state.name === 'uml-seed' || state.name === 'uml-fresh');
      });

      if (state.name === 'uml-fresh') {
        it('a fresh capable kernel: exit 0 with warnings, the sysctls up sets among them', () => {
          const { code, r } = report();
          expect(code).to.equal(0);
          const warned = r.checks.filter((c) => c.status === 'warn').map((c) => c.id);
          expect(warned).to.include.members(['kernel.mpls_router', 'sysctl.platform_labels', 'sysctl.mpls_input']);
          expect(r.checks.filter((c) => c.status === 'fail')).to.deep.equal([]);
        });
      }

      for (const [id, [status, phrase]] of Object.entries(EXPECT[state.name] ?? {})) {
        it(`${id} is ${status} (${phrase.source})`, () => {
          const c = report().r.checks.find((x) => x.id === id)!;
          expect(c.status, c.summary).to.equal(status);
          expect(c.summary).to.match(phrase);
        });
      }
    });
  }
});
