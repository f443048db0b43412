// Starts the desktop app from this checkout (npm start, after npm run build).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { findElectronBinary } from './electron-binary.ts';

const found = findElectronBinary();
if ('missing' in found) {
  console.error(found.missing);
  process.exit(1);
}
// ELECTRON_RUN_AS_NODE set in the calling shell would make Electron a plain Node and ignore the app.
const { ELECTRON_RUN_AS_NODE: _ignored, ...env } = process.env;
const child = spawn(found.binary, [fileURLToPath(new URL('..', import.meta.url))], { stdio: 'inherit', env });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
