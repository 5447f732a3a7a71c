import type { RunnerTask, RunnerTestFile } from "vitest";
import type { Reporter } from "vitest/reporters";

/** Prints one plain closing line, `Tests: N passed, N failed, N skipped`, that CI and people can read at a glance. */
export default class SummaryReporter implements Reporter {
  onFinished(files: RunnerTestFile[] = [], errors: unknown[] = []): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    const visit = (task: RunnerTask) => {
      if (task.type === "suite") {
        for (const child of task.tasks) visit(child);
        // A suite that failed outside its tests (a hook, an import) counts as one failure.
        if (task.result?.state === "fail" && task.tasks.every((t) => t.result?.state !== "fail")) counts.failed++;
        return;
      }
      const state = task.result?.state;
      if (state === "pass") counts.passed++;
      else if (state === "fail") counts.failed++;
      else counts.skipped++;
    };
    for (const file of files) visit(file);
    counts.failed += errors.length;
    console.log(`\nTests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  }
}
