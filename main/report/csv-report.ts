import type { BatchSample, LatencySample } from '../engine/latency/latency-sample.ts';

/** One trace for the CSV: a run's model at a batch size (null: one sample per query). */
export interface CsvTrace {
  runId: string;
  model: string;
  scenario: string;
  batchSize: number | null;
  samples: readonly LatencySample[] | readonly BatchSample[];
}

export const CSV_HEADER = ['run_id', 'model', 'scenario', 'batch_size', 'seq', 'query_index', 'lang', 'tokens', 'tokenize_ms', 'encode_ms', 'search_ms', 'total_ms', 'start_ms', 'queue_ms'];

/**
 * A cell as RFC 4180 wants it, and harmless in a spreadsheet: text that starts like a formula
 * (=, +, -, @, tab, CR) gets a leading apostrophe, so an imported model name cannot run as one.
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * One row per measured query with its stage times, in milliseconds at full precision; an offline
 * batch is one row, its query indices joined by spaces. Streams row by row: a 100k-sample run
 * never becomes one string.
 */
export function* csvLines(traces: Iterable<CsvTrace>): Generator<string> {
  yield `${CSV_HEADER.join(',')}\r\n`;
  for (const t of traces) {
    const head = [csvCell(t.runId), csvCell(t.model), csvCell(t.scenario), csvCell(t.batchSize ?? 1)].join(',');
    for (const s of t.samples) {
      const query = 'queryIndices' in s ? csvCell(s.queryIndices.join(' ')) : csvCell(s.queryIndex);
      const lang = 'lang' in s ? csvCell(s.lang) : '';
      const queue = 'queueMs' in s ? csvCell(s.queueMs) : '';
      yield `${head},${s.seq},${query},${lang},${s.tokens},${s.tokenizeMs},${s.encodeMs},${s.searchMs},${s.totalMs},${s.startMs},${queue}\r\n`;
    }
  }
}
