/** 128 + SIGPIPE: the status a C tool killed by a broken pipe ends with. */
export const BROKEN_PIPE_EXIT_CODE = 141;

const GONE = new Set(['EPIPE', 'EIO', 'ERR_STREAM_DESTROYED']);

/**
 * `xlir history | head -1`: once the reader has gone, every write to the pipe fails with EPIPE.
 * A C tool would die of SIGPIPE without a word; Node ignores that signal and throws instead, with a
 * stack. Here, standard output gone ends the command quietly with the status such a tool has;
 * standard error gone (a closed terminal, which also sends SIGHUP) is ignored, so that a run being
 * cancelled still stores what it measured.
 */
export function endQuietlyWhenOutputCloses(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (!GONE.has(err.code ?? '')) throw err;
    process.exit(BROKEN_PIPE_EXIT_CODE);
  });
  process.stderr.on('error', (err: NodeJS.ErrnoException) => {
    if (!GONE.has(err.code ?? '')) throw err;
  });
}
