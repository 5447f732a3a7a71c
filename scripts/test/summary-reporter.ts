import type { Reporter, TestCollection, TestModule } from "vitest/node";

/** Prints one plain closing line, `Tests: N passed, N failed, N skipped`, that CI and people can read at a glance. */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, errors: ReadonlyArray<unknown>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    // A suite or file that failed outside its tests (a hook, an import) counts as one failure.
    const failedOutsideTests = (entity: { state(): string; children: TestCollection }) =>
      entity.state() === "failed" &&
      entity.children
        .array()
        .every((child) => (child.type === "test" ? child.result().state : child.state()) !== "failed");
    for (const module of modules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") counts.passed++;
        else if (state === "failed") counts.failed++;
        else counts.skipped++;
      }
      for (const suite of module.children.allSuites()) if (failedOutsideTests(suite)) counts.failed++;
      if (failedOutsideTests(module)) counts.failed++;
    }
    counts.failed += errors.length;
    console.log(`\nTests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  }
}
