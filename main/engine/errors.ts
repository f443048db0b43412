/**
 * An error the user can act on: bad input, missing data, an unavailable provider.
 * `code` is stable (scripts and the UI branch on it); `message` names the file, flag or
 * setting at fault and says what to do. Anything else thrown is a bug.
 */
export class XlirError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'XlirError';
    this.code = code;
  }
}
