import os from 'node:os';
import type { ReportRun } from './report-run.ts';

/**
 * A run made fit to share (`xlir export --redact`, the export toggle in the app): the host name,
 * absolute paths and the user's name removed from the report, and nothing else changed — figures,
 * hashes, samples and the hardware a reader compares stay as they are.
 *
 * - The host name becomes `machine-<8 digits of its history id>`, the same for every run of that
 *   machine, so redacted reports of one machine still import as one machine.
 * - An absolute path keeps its last part only (`/home/alice/models/e5` → `…/e5`): a reader still
 *   sees which model and which data file; URLs are left alone.
 * - User names (this system's, and any found in home folders such as `/home/NAME/`) become `<user>`.
 *
 * Names are replaced as whole words, and only in text (strings with a space: warnings, notes) and
 * the machine label: a host called `server` or `cpu` must not rewrite a scenario, a provider or
 * the CPU's model name.
 */
export interface RedactOptions {
  /** Names to remove beyond those found in home-folder paths (default: this system's user). */
  userNames?: readonly string[];
}

const POSIX_DIRS = /(?<![\w.~:/\\-])\/(?:[^\s/\\'"`<>|:;,()[\]{}]+\/)+/g;
const WINDOWS_DIRS = /(?<![\w])[A-Za-z]:\\(?:[^\s\\'"`<>|:;,()[\]{}]+\\)+/g;
const HOME_USERS = [/\/home\/([^/\s]+)\//g, /\/Users\/([^/\s]+)\//g, /[A-Za-z]:\\Users\\([^\\\s]+)\\/gi];
/** Keys whose arrays hold only measurements (numbers, language codes): not walked, as they are long. */
const MEASUREMENT_KEYS = new Set(['samples', 'batches', 'queryIndices']);

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function localUserNames(): string[] {
  try {
    return [os.userInfo().username];
  } catch {
    return []; // no passwd entry for this uid (some containers)
  }
}

/** Every string in `value`, keys aside, through `f`; measurement arrays are kept as they are. */
function mapStrings<T>(value: T, f: (s: string) => string, key = ''): T {
  if (typeof value === 'string') return f(value) as T;
  if (Array.isArray(value)) return (MEASUREMENT_KEYS.has(key) ? value : value.map((v) => mapStrings(v, f))) as T;
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, f, k)])) as T;
  return value;
}

function eachString(value: unknown, visit: (s: string) => void, key = ''): void {
  if (typeof value === 'string') visit(value);
  else if (Array.isArray(value)) {
    if (!MEASUREMENT_KEYS.has(key)) value.forEach((v) => eachString(v, visit));
  } else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) eachString(v, visit, k);
}

/** `name` as a whole word: not inside a longer name, host name or identifier. */
const wholeWords = (names: readonly string[]) => new RegExp(`(?<![\\p{L}\\p{N}_.-])(?:${names.map(escapeRegExp).join('|')})(?![\\p{L}\\p{N}_-])`, 'giu');

export function redactReportRun(run: ReportRun, options: RedactOptions = {}): ReportRun {
  const hostname = run.result.machine.hostname.trim();
  const placeholder = `machine-${run.machine.id.slice(0, 8)}`;
  const users = new Set((options.userNames ?? localUserNames()).filter((name) => name.length >= 2));
  eachString(run, (s) => {
    for (const pattern of HOME_USERS) for (const m of s.matchAll(pattern)) users.add(m[1]);
  });
  const hostPattern = hostname === '' ? null : wholeWords([hostname]);
  const userPattern = users.size > 0 ? wholeWords([...users]) : null;
  const names = (s: string) => {
    const out = hostPattern ? s.replace(hostPattern, placeholder) : s;
    return userPattern ? out.replace(userPattern, '<user>') : out;
  };
  const paths = (s: string) => s.replace(POSIX_DIRS, '…/').replace(WINDOWS_DIRS, '…\\');
  const redact = (s: string) => (/\s/.test(s) ? names(paths(s)) : /^(\/|[A-Za-z]:\\)/.test(s) ? paths(s) : s);
  // The machine's profile is hardware a reader compares (a CPU model may well contain "CPU"): only its host name goes.
  const result = { ...mapStrings({ ...run.result, machine: undefined }, redact), machine: { ...run.result.machine, hostname: placeholder } };
  return { result, machine: { id: run.machine.id, label: names(paths(run.machine.label)) } };
}
