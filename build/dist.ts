// Installers of the desktop app (npm run dist, after npm run build): electron-builder with
// electron.config.ts, for this operating system (AppImage and deb on Linux, NSIS on Windows, dmg on macOS).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, Platform } from 'electron-builder';
import { configFor } from '../electron.config.ts';
import { findElectronBinary } from './electron-binary.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUILT = ['dist/electron/main.js', 'dist/electron/benchmark-worker.js', 'dist/electron/preload.cjs', 'dist/renderer/index.html'];

/** electron-builder's name for this operating system's packages, and its packaging platform. */
function hostTarget(): { platform: 'linux' | 'darwin' | 'win32'; builder: Platform } {
  if (process.platform === 'darwin') return { platform: 'darwin', builder: Platform.MAC };
  if (process.platform === 'win32') return { platform: 'win32', builder: Platform.WINDOWS };
  return { platform: 'linux', builder: Platform.LINUX };
}

const NETWORK_FAILURE = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|getaddrinfo|socket hang up|certificate|HTTP(Error)?\s*\d{3}|status code \d{3}/i;

/**
 * What to tell the user when packaging failed: a download it needed (Electron's binary, or
 * electron-builder's AppImage/deb/NSIS tools, fetched from GitHub on first use) said plainly, with
 * what to do; any other failure as electron-builder reported it.
 */
export function explainPackagingFailure(err: unknown, context: { electronVersion: string; platform: string; arch: string; electronInstalled: boolean }): string {
  const message = (err as Error)?.message ?? String(err);
  const reason = message.split('\n')[0];
  if (!NETWORK_FAILURE.test(message)) return `npm run dist: electron-builder failed: ${message}`;
  const zip = `electron-v${context.electronVersion}-${context.platform}-${context.arch}.zip`;
  if (!context.electronInstalled) {
    return (
      `npm run dist: Electron's binary (${zip}) is not installed and could not be downloaded (${reason}). Packaging needs it.\n` +
      '  With internet: run `node node_modules/electron/install.js` once (npm run dist then packages that copy), or run npm run dist again and electron-builder downloads it.\n' +
      `  Offline: copy ${zip} from a machine that has it into electron-builder's cache (~/.cache/electron, or the folder ELECTRON_CACHE names).\n` +
      '  The app runs without packaging: `npm start`, or `npx xlir serve` in a browser.'
    );
  }
  return (
    `npm run dist: electron-builder could not download its packaging tools (AppImage, deb, NSIS or dmg tooling, from github.com/electron-userland/electron-builder-binaries): ${reason}.\n` +
    '  They are fetched once, on first use, into electron-builder\'s cache (~/.cache/electron-builder, or ELECTRON_BUILDER_CACHE): run npm run dist again with internet.'
  );
}

async function main(): Promise<number> {
  const missing = BUILT.filter((file) => !existsSync(path.join(ROOT, file)));
  if (missing.length > 0) {
    console.error(`npm run dist: ${missing.join(', ')} not found: run npm run build first (npm run dist does).`);
    return 1;
  }
  const { platform, builder } = hostTarget();
  const electron = findElectronBinary();
  const electronVersion = (JSON.parse(readFileSync(path.join(ROOT, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version;
  const config = { ...configFor(platform), ...('binary' in electron && { electronDist: path.dirname(electron.binary) }) };
  try {
    const artifacts = await build({ projectDir: ROOT, targets: builder.createTarget(), config });
    for (const file of artifacts) console.log(`wrote ${path.relative(ROOT, file)}`);
    return 0;
  } catch (err) {
    console.error(explainPackagingFailure(err, { electronVersion, platform, arch: process.arch, electronInstalled: 'binary' in electron }));
    return 1;
  }
}

// process.exit, not exitCode: electron-builder's exit hooks (async-exit-hook) end the process with 0 otherwise.
if (import.meta.main) process.exit(await main());
