import Mocha from 'mocha';
import { writeFileSync } from 'node:fs';

const { EVENT_RUN_END, EVENT_TEST_FAIL, EVENT_TEST_PASS, EVENT_TEST_PENDING } = Mocha.Runner.constants;

/** What one test process counted. */
export interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

/**
 * Mocha's spec output, then the closing line CI reads: `N passed, N failed`. A failed hook
 * counts as a failure; a pending (skipped) test is reported as skipped, never as passed. With
 * the reporter option `countsTo`, the counts and the failed tests' titles are also written to
 * that file, for the parallel runner to add up.
 */
class ClosingLineReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const countsTo = (options?.reporterOptions as { countsTo?: string } | undefined)?.countsTo;
    const counts: Counts = { passed: 0, failed: 0, skipped: 0 };
    const failures: string[] = [];
    runner.on(EVENT_TEST_PASS, () => counts.passed++);
    runner.on(EVENT_TEST_FAIL, (test: Mocha.Runnable) => {
      counts.failed++;
      failures.push(test.fullTitle());
    });
    runner.on(EVENT_TEST_PENDING, () => counts.skipped++);
    runner.once(EVENT_RUN_END, () => {
      // In a job of the parallel runner, the runner prints the one closing line.
      if (countsTo) return writeFileSync(countsTo, JSON.stringify({ ...counts, failures }));
      // after Spec's own epilogue
      setImmediate(() => console.log(`\n${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`));
    });
  }
}

export default ClosingLineReporter;
