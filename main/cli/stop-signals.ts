import os from 'node:os';

/**
 * The signals that ask the CLI to stop: Ctrl-C (SIGINT), `kill`, `timeout`, systemd and
 * `docker stop` (SIGTERM), and the terminal closing (SIGHUP). Each stops a run the same way:
 * cancelled after the work in flight, what was measured stored, then exit.
 */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const satisfies readonly NodeJS.Signals[];

/** The shell's exit status for a process stopped by `signal`: 128 + its number (130 for SIGINT). */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + os.constants.signals[signal];
}

export interface StopSignals {
  /** The first stop signal received, if any. */
  readonly received: NodeJS.Signals | undefined;
  /** Removes the handlers: the signals' default action (exit) applies again. */
  dispose(): void;
}

/**
 * Calls `stop` on the first stop signal; a second one exits at once, without waiting for the
 * work in flight (as a second Ctrl-C does in most tools).
 */
export function onStopSignal(stop: (signal: NodeJS.Signals) => void): StopSignals {
  let received: NodeJS.Signals | undefined;
  const handler = (signal: NodeJS.Signals) => {
    if (received !== undefined) process.exit(signalExitCode(signal));
    received = signal;
    stop(signal);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, handler);
  return {
    get received() {
      return received;
    },
    dispose: () => STOP_SIGNALS.forEach((signal) => process.off(signal, handler)),
  };
}
