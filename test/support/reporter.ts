import Mocha from 'mocha';

const { EVENT_RUN_END, EVENT_TEST_FAIL, EVENT_TEST_PASS, EVENT_TEST_PENDING, EVENT_HOOK_END } = Mocha.Runner.constants;
void EVENT_HOOK_END;

/**
 * Mocha's spec output, then the closing line CI reads: `N passed, N failed`. A failed hook
 * counts as a failure; a pending (skipped) test is reported as skipped, never as passed.
 */
class ClosingLineReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    runner.on(EVENT_TEST_PASS, () => passed++);
    runner.on(EVENT_TEST_FAIL, () => failed++);
    runner.on(EVENT_TEST_PENDING, () => skipped++);
    runner.once(EVENT_RUN_END, () => {
      // after Spec's own epilogue
      setImmediate(() => console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`));
    });
  }
}

export default ClosingLineReporter;
