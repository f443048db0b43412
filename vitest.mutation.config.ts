import { defineConfig } from 'vitest/config';
import base from './vitest.config.ts';

// The tests mutation testing runs (stryker.config.mjs): those of the mutated modules, not the slow
// end-to-end ones (CLI, run orchestration) that import them too. Listed here rather than with
// Stryker's `testFiles`, which in Stryker 10.1 makes it test mutants in code run at load (module
// constants, functions defined once) without activating them, and report them as survivors.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: [
      'test/metrics/*.test.ts',
      'test/latency/*.test.ts',
      'test/retrieval/exact-search.test.ts',
      'test/roofline/*.test.ts',
      'test/calibration/*.test.ts',
      'test/measurement-quality/*.test.ts',
    ],
  },
});
