import { open } from 'node:fs/promises';
import { XlirError } from '../engine/errors.ts';
import { RUN_RESULT_VERSION, RunResultSchema, type RunResult } from '../engine/run/run-result.ts';
import { describeUnsafeCharacter, unsafeCharacter } from '../store/printable-text.ts';
import { REPORT_FORMAT, REPORT_VERSION, ReportFileSchema } from './json-report.ts';

/** Larger report files are refused unread: an untrusted file must not exhaust memory. */
export const REPORT_MAX_BYTES = 200 * 2 ** 20;

/** A run read from a report file: its result, and the machine label the exporter gave. */
export interface ImportedRun {
  result: RunResult;
  label?: string;
}

type Upgrade = (older: Record<string, unknown>) => Record<string, unknown>;

/**
 * Steps from each older version of a file to the next: `[v]` turns a version-v object into a
 * version-(v + 1) one. Version 1 of both the run result and the report is the first published;
 * when a version 2 appears, its step from 1 goes here and every older file keeps importing.
 */
export const RESULT_UPGRADES: Readonly<Record<number, Upgrade>> = {};
export const REPORT_UPGRADES: Readonly<Record<number, Upgrade>> = {};

/** Fields that version 1 of the result gained after its first files were written, with the value that means "absent". */
const RESULT_V1_BACKFILL: Readonly<Record<string, unknown>> = { lexicalFloor: null };

/** Brings a versioned object to `current` through `upgrades`; refuses newer or unknown versions. */
export function upgradeToCurrent(value: Record<string, unknown>, current: number, upgrades: Readonly<Record<number, Upgrade>>, what: string): Record<string, unknown> {
  let version = value.version;
  if (typeof version !== 'number' || !Number.isInteger(version)) throw new XlirError('REPORT_INVALID', `${what} has no version number.`);
  if (version > current) throw new XlirError('REPORT_TOO_NEW', `${what} is version ${version}, newer than this XLIR Bench reads (${current}): update XLIR Bench to import it.`);
  let upgraded = value;
  while (version < current) {
    const step = upgrades[version];
    if (!step) throw new XlirError('REPORT_INVALID', `${what} is version ${version}, which no XLIR Bench ever wrote (the first is ${current - Object.keys(upgrades).length}).`);
    upgraded = step(upgraded);
    version += 1;
    if (upgraded.version !== version) throw new Error(`upgrade of ${what} from version ${version - 1} produced version ${String(upgraded.version)}`);
  }
  return upgraded;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeIssues(error: { issues: { path: PropertyKey[]; message: string }[] }, prefix: string): string {
  const shown = error.issues.slice(0, 5).map((i) => `${[prefix, ...i.path.map(String)].filter(Boolean).join('.')}: ${i.message}`);
  return shown.join('; ') + (error.issues.length > 5 ? `; and ${error.issues.length - 5} more` : '');
}

function upgradeResult(raw: unknown, where: string): RunResult {
  if (!isObject(raw)) throw new XlirError('REPORT_INVALID', `${where} is not a run result.`);
  let value = upgradeToCurrent(raw, RUN_RESULT_VERSION, RESULT_UPGRADES, where);
  if (value.version === 1) value = { ...RESULT_V1_BACKFILL, ...value };
  const parsed = RunResultSchema.safeParse(value);
  if (!parsed.success) throw new XlirError('REPORT_INVALID', `${where} does not match the run result schema (main/contract/run-result.schema.json): ${describeIssues(parsed.error, '')}.`);
  return parsed.data;
}

/** Every string in `value` (keys included) free of characters that could act on a terminal or page. */
function assertPrintable(value: unknown, path: string): void {
  if (typeof value === 'string') {
    const bad = unsafeCharacter(value, true);
    if (bad !== undefined) throw new XlirError('REPORT_UNSAFE', `${path} contains ${describeUnsafeCharacter(bad)}: refused, as a report must not carry terminal escapes, invisible or reordering marks.`);
  } else if (Array.isArray(value)) {
    // Sample arrays are long and numeric: checking their first element's type is enough to skip them.
    if (value.length > 0 && typeof value[0] === 'number') return;
    value.forEach((v, i) => assertPrintable(v, `${path}[${i}]`));
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      assertPrintable(k, `${path} key`);
      assertPrintable(v, `${path}.${k}`);
    }
  }
}

/**
 * The runs in a report's text: an `xlir export --format json` file (one or more runs, with machine
 * labels) or a bare run result (`xlir run --json`). Untrusted input: the shape is validated
 * against the schemas, older versions are upgraded, newer ones refused, and strings carrying
 * control characters rejected. Unknown fields are dropped.
 */
export function parseReportText(text: string, source: string): ImportedRun[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new XlirError('REPORT_NOT_JSON', `${source} is not JSON (${(err as Error).message}): give a file written by "xlir export --format json" or "xlir run --json".`);
  }
  if (!isObject(raw)) throw new XlirError('REPORT_INVALID', `${source} holds JSON but not an XLIR Bench report or run result.`);
  let runs: ImportedRun[];
  if (raw.format === REPORT_FORMAT) {
    const envelope = upgradeToCurrent(raw, REPORT_VERSION, REPORT_UPGRADES, `${source} (report)`);
    if (!Array.isArray(envelope.runs)) throw new XlirError('REPORT_INVALID', `${source}: runs must be a list.`);
    // Results first, each through its own upgrades; then the envelope around the current results.
    const upgraded = { ...envelope, runs: envelope.runs.map((r: unknown, i) => (isObject(r) ? { ...r, result: upgradeResult(r.result, `${source} runs[${i}].result`) } : r)) };
    const parsed = ReportFileSchema.safeParse(upgraded);
    if (!parsed.success) throw new XlirError('REPORT_INVALID', `${source} is not a valid XLIR Bench report: ${describeIssues(parsed.error, '')}.`);
    runs = parsed.data.runs.map((r) => ({ result: r.result, label: r.machine.label }));
  } else if (isObject(raw.tool) && raw.tool.name === 'xlir-bench' && 'models' in raw) {
    runs = [{ result: upgradeResult(raw, source) }];
  } else {
    throw new XlirError('REPORT_INVALID', `${source} is JSON but neither an XLIR Bench report ("format": "${REPORT_FORMAT}") nor a run result.`);
  }
  runs.forEach((r, i) => assertPrintable(r, `${source} run ${i + 1}`));
  return runs;
}

/** Reads and validates a report file; refuses files over `maxBytes` before reading them. */
export async function readReportFile(file: string, maxBytes = REPORT_MAX_BYTES): Promise<ImportedRun[]> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    throw new XlirError('REPORT_NOT_FOUND', `Cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}.`);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new XlirError('REPORT_INVALID', `${file} is not a file.`);
    if (stats.size > maxBytes) throw new XlirError('REPORT_TOO_LARGE', `${file} is ${(stats.size / 2 ** 20).toFixed(0)} MiB, over the ${(maxBytes / 2 ** 20).toFixed(0)} MiB a report may have: refused unread.`);
    const bytes = await handle.readFile();
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new XlirError('REPORT_NOT_JSON', `${file} is not UTF-8 text: give a file written by "xlir export --format json" or "xlir run --json".`);
    }
    return parseReportText(text, file);
  } finally {
    await handle.close();
  }
}
