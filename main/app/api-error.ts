import { z } from 'zod';
import type { ApiErrorBody } from '../contract/app-api.ts';
import { XlirError } from '../engine/errors.ts';
import { issueLines } from '../engine/schema-issues.ts';

/** Conflicts with the app's or the history's state: retrying later (or after a cancel) can succeed. */
const CONFLICT_CODES = new Set(['RUN_IN_PROGRESS', 'REPLICA_IN_PROGRESS', 'HISTORY_LOCKED', 'APP_CLOSED']);

/** The app's own faults and the machine's: nothing in the request would change them. */
const SERVER_CODES = new Set(['HISTORY_CORRUPT', 'HISTORY_READONLY', 'HISTORY_FULL', 'HISTORY_CANNOT_OPEN', 'HISTORY_FOREIGN', 'HISTORY_TOO_NEW', 'PDF_FAILED', 'PREFERENCES_UNWRITABLE']);

/** Where zod's issues name the field at fault, as one line a person can read. */
export function describeZodIssues(error: z.ZodError): string {
  return issueLines(error, '(input)').slice(0, 8).join('; ');
}

function statusOf(code: string): number {
  if (code === 'INVALID_INPUT' || code === 'INVALID_JSON') return 400;
  if (code === 'UNKNOWN_METHOD' || code.endsWith('_NOT_FOUND')) return 404;
  if (code === 'BODY_TOO_LARGE') return 413;
  if (code === 'FOLDER_NOT_ALLOWED') return 403;
  if (CONFLICT_CODES.has(code)) return 409;
  if (SERVER_CODES.has(code)) return 500;
  // Any other XlirError is about what was asked (an unfinished run to report, a dataset not at hand).
  return 400;
}

/**
 * Any thrown error as it goes over the wire (HTTP or IPC): an XlirError keeps its code and
 * message; a schema failure is invalid input; anything else is a bug, reported as INTERNAL with
 * its message (the app is local: the message helps, and it reaches only the user's own window).
 */
export function apiError(err: unknown): { status: number; body: ApiErrorBody } {
  if (err instanceof XlirError) return { status: statusOf(err.code), body: { error: { code: err.code, message: err.message } } };
  if (err instanceof z.ZodError) return { status: 400, body: { error: { code: 'INVALID_INPUT', message: `Invalid input: ${describeZodIssues(err)}.` } } };
  const message = err instanceof Error ? err.message : String(err);
  return { status: 500, body: { error: { code: 'INTERNAL', message: `Internal error: ${message}` } } };
}
