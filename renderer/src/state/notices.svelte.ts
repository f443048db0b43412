import { describeError } from '../api/api-call-error.ts';

export interface Notice {
  id: number;
  /** What was being done: "Deleting run 1a2b3c4d". */
  action: string;
  code: string;
  message: string;
}

/** Failed calls, shown at the top of the window until dismissed. */
class Notices {
  items = $state<Notice[]>([]);
  #next = 1;

  report(action: string, err: unknown): void {
    const { code, message } = describeError(err);
    this.items.push({ id: this.#next++, action, code, message });
  }

  dismiss(id: number): void {
    this.items = this.items.filter((n) => n.id !== id);
  }
}

export const notices = new Notices();

/** Runs a call; a failure becomes a notice (and `undefined`) rather than an unhandled rejection. */
export async function attempt<T>(action: string, call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (err) {
    notices.report(action, err);
    return undefined;
  }
}
