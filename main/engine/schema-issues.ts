import type { z } from 'zod';

/**
 * A schema failure's issues as `path: message` lines, `whole` standing for the path where the value
 * itself is at fault: the one form every boundary (files, options, IPC, HTTP) lists them in.
 */
export function issueLines(error: z.ZodError, whole: string): string[] {
  return error.issues.map((issue) => `${issue.path.join('.') || whole}: ${issue.message}`);
}
