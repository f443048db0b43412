import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests of the desktop UI: the built renderer (dist/renderer) served by the real
 * `xlir serve`, driven in the system Chromium (Playwright's own browsers are not downloaded).
 * Files are `*.spec.ts` so that vitest (test/**\/*.test.ts) never picks them up.
 */
export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  outputDir: '../../test-output/e2e/results',
  // Two cores: one browser and one benchmark at a time, or the timings disturb each other.
  workers: 1,
  fullyParallel: false,
  timeout: 180_000,
  expect: { timeout: 20_000 },
  reporter: [['list']],
  use: {
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: process.env.XLIR_CHROMIUM ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
