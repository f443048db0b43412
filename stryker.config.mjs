// @ts-check
/**
 * Mutation testing of the engine's core: the modules every reported number comes from.
 * Run it with `npm run test:mutation` (build/mutation-test.ts), not with `stryker run`: the script
 * prints the score per file and the total as its last line. Not part of `npm test` (it is long).
 *
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  testRunner: 'vitest',
  // Which test files run: vitest.mutation.config.ts; `related` narrows every run to those that
  // import the mutated module.
  vitest: { configFile: 'vitest.mutation.config.ts', related: true },
  mutate: [
    'main/engine/metrics/{evaluate-quality,paired-bootstrap,bootstrap,relevant-ranks}.ts',
    'main/engine/latency/{percentiles,summary,compare,interleaved,single-stream,server,offline}.ts',
    'main/engine/retrieval/exact-search.ts',
    'main/engine/roofline/{flop-count,memory-traffic,model-cost,efficiency,ceilings-cache,timed-runs}.ts',
    // The verdict statistics and the measurement-quality monitor (issue 16) the verdicts rest on.
    'main/engine/latency/{paired-rounds,student-t}.ts',
    'main/engine/calibration/noise-floor.ts',
    'main/engine/measurement-quality/{measurement-quality,monitor,probes}.ts',
  ],
  // Two cores, shared: one test runner per core.
  concurrency: 2,
  coverageAnalysis: 'perTest',
  // Colours of the HTML report; build/mutation-test.ts fails a run where any file is below 90 %.
  thresholds: { high: 95, low: 90, break: null },
  reporters: ['progress-append-only', 'json', 'html'],
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  // In place, not in a sandbox copy: the sandbox rewrites tsconfig.json through TypeScript's JS API,
  // which TypeScript 7 no longer has. Stryker restores every mutated file when it ends (the originals
  // wait in .stryker-tmp meanwhile): do not edit the mutated modules during a run.
  inPlace: true,
  // Vitest strips types without checking them, so mutants need no `// @ts-nocheck`; without this
  // Stryker would add it to (and so rewrite in place) every source file, not just the mutated ones.
  disableTypeChecks: false,
  tempDirName: '.stryker-tmp',
};
