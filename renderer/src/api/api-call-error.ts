/** A call that failed, with the app's error code (`INVALID_INPUT`, `NOT_FOUND`, …) when it sent one. */
export class ApiCallError extends Error {
  readonly code: string;
  /** HTTP status where the call went over HTTP. */
  readonly status: number | undefined;

  constructor(code: string, message: string, status?: number) {
    super(message);
    this.name = 'ApiCallError';
    this.code = code;
    this.status = status;
  }
}

/**
 * Code and message of anything a call threw. Electron's `ipcRenderer.invoke` rejects with
 * "Error invoking remote method 'xlir:call': XlirError: CODE: message"-style text, which is
 * trimmed to what the app said.
 */
export function describeError(err: unknown): { code: string; message: string } {
  if (err instanceof ApiCallError) return { code: err.code, message: err.message };
  const text = err instanceof Error ? err.message : String(err);
  const remote = /^Error invoking remote method '[^']+': (?:\w*Error: )?(.*)$/s.exec(text);
  const message = remote ? remote[1] : text;
  const coded = /^([A-Z][A-Z0-9_]{2,}): (.*)$/s.exec(message);
  return coded ? { code: coded[1], message: coded[2] } : { code: 'ERROR', message };
}
