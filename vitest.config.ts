import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Two cores here: ONNX sessions in parallel test files would fight for them.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Every `xlir run` a test makes is kept in the history: in a throw-away folder, never the user's.
    // Tests never write the user's history or cache (peak measurements included).
    env: { XLIR_HOME: mkdtempSync(path.join(os.tmpdir(), 'xlir-test-home-')), XLIR_CACHE_DIR: mkdtempSync(path.join(os.tmpdir(), 'xlir-test-cache-')) },
  },
});
