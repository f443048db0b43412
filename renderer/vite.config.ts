import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

/**
 * The desktop UI, built once into dist/renderer and served as static files by `xlir serve` and
 * the Electron shell. Both load it under a CSP with `script-src 'self'`: the build must emit no
 * inline script, so Vite's module-preload polyfill (an inline helper in older targets) is off.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [svelte()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    target: 'es2023',
    modulePreload: { polyfill: false },
    // The charts are one module; a single chunk keeps the file list the server must allow short.
    chunkSizeWarningLimit: 1000,
  },
  // The renderer imports pure formatting and comparison modules from main/ (never Node code).
  server: { fs: { allow: ['..'] } },
});
