import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** How to get the binary, or run the same UI without it. */
export const ELECTRON_MISSING_HELP =
  'The Electron binary is not installed: npm installed the electron package without downloading it (offline, or with ELECTRON_SKIP_BINARY_DOWNLOAD). ' +
  'With internet, run `node node_modules/electron/install.js` once, then `npm start` again. ' +
  'Without it, the same UI runs in a browser: `npm run build && node main/cli/xlir.mjs serve`, then open the address it prints.';

/**
 * Where the Electron executable is, found as the electron package's own index.js finds it
 * (path.txt, ELECTRON_OVERRIDE_DIST_PATH) but without its side effect: requiring 'electron' from
 * Node starts a download when the binary is missing, which offline only fails slowly.
 */
export function findElectronBinary(env: NodeJS.ProcessEnv = process.env): { binary: string } | { missing: string } {
  const packageDir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  const pathFile = path.join(packageDir, 'path.txt');
  const executable = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  const binary = env.ELECTRON_OVERRIDE_DIST_PATH
    ? path.join(env.ELECTRON_OVERRIDE_DIST_PATH, executable ?? 'electron')
    : executable !== undefined
      ? path.join(packageDir, 'dist', executable)
      : undefined;
  if (binary !== undefined && existsSync(binary)) return { binary };
  return { missing: `${ELECTRON_MISSING_HELP} (looked for ${binary ?? path.join(packageDir, 'path.txt')})` };
}
