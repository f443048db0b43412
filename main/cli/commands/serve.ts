import path from 'node:path';
import { createAppService } from '../../app/app-service.ts';
import { startServer } from '../../server/start-server.ts';
import { onStopSignal, type StopSignals } from '../stop-signals.ts';
import { CliUsageError, parseFlags, parseNumber } from '../usage.ts';

const SERVE_FLAGS = {
  port: { type: 'string' },
  'data-dir': { type: 'string' },
} as const;

/** `xlir serve`: the desktop app's UI in a browser, until Ctrl-C, SIGTERM or SIGHUP. */
export async function runServeCommand(args: string[]): Promise<number> {
  const f = parseFlags(args, SERVE_FLAGS);
  const port = parseNumber('port', f.port) ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new CliUsageError(`--port expects a whole number from 0 to 65535 (0: a free port), got "${f.port}"`);
  const service = createAppService({ ...(f['data-dir'] !== undefined && { dataDir: path.resolve(f['data-dir']) }) });
  const server = await startServer({ port, service }).catch(async (err: unknown) => {
    await service.close();
    throw err;
  });
  if (!server.staticReady) process.stderr.write('warning: the UI is not built (no dist/renderer/index.html): run "npm run build" first; the page says so until then.\n');
  process.stdout.write(`XLIR Bench is serving at ${server.url}\n`);
  process.stderr.write('Open that address in a browser on this machine. Ctrl-C stops the server (a run in progress is cancelled and kept).\n');

  // A second signal while closing does not wait for the run to be stored.
  let stopSignals: StopSignals | undefined;
  const signal = await new Promise<NodeJS.Signals>((resolve) => (stopSignals = onStopSignal(resolve)));
  process.stderr.write(`${signal === 'SIGINT' ? '\n' : ''}Stopping…\n`);
  try {
    // The run in progress is cancelled and stored first, so that open pages still see it end.
    await service.close();
    await server.close();
  } finally {
    stopSignals?.dispose();
  }
  return 0;
}
