import type { Clock } from '../../main/engine/latency/clock.ts';
import type { ProcessedBatch, QueryProcessor } from '../../main/engine/latency/query-processor.ts';
import type { ManualClock } from './manual-clock.ts';

export interface FakeStageTimes {
  tokenizeMs: number;
  encodeMs: number;
  searchMs: number;
}

/**
 * A system under test with deterministic stage times, computed from the queries it is given: each
 * call advances the manual clock by them, so every latency a scenario measures is known in
 * advance. Records every call; refuses an empty batch, which no scenario should issue.
 */
export class FakeProcessor implements QueryProcessor {
  readonly queryCount: number;
  readonly calls: number[][] = [];
  readonly #clock: ManualClock;
  readonly #stages: (queryIndices: readonly number[]) => FakeStageTimes;
  /** Runs after each call has advanced the clock, e.g. to abort mid-run. */
  onCall?: (callNumber: number) => void;

  constructor(clock: ManualClock, queryCount: number, stages: (queryIndices: readonly number[]) => FakeStageTimes) {
    this.#clock = clock;
    this.queryCount = queryCount;
    this.#stages = stages;
  }

  languageOf(queryIndex: number): string {
    return queryIndex % 2 === 0 ? 'en' : 'th';
  }

  /** Query i has i + 3 tokens. */
  static tokensOf(queryIndex: number): number {
    return queryIndex + 3;
  }

  async process(queryIndices: readonly number[], clock: Clock): Promise<ProcessedBatch> {
    if (clock !== this.#clock) throw new Error('the scenario must pass its own clock to the processor');
    if (queryIndices.length === 0) throw new Error('the scenario issued an empty batch');
    const stages = this.#stages(queryIndices);
    this.#clock.advance(stages.tokenizeMs + stages.encodeMs + stages.searchMs);
    this.calls.push([...queryIndices]);
    this.onCall?.(this.calls.length);
    return { ...stages, tokens: queryIndices.map(FakeProcessor.tokensOf) };
  }
}

/** Per query: 1 ms tokenize, 2 ms encode, 0.5 ms search, 3.5 ms in all. */
export const constantStages = (queryIndices: readonly number[]): FakeStageTimes => ({
  tokenizeMs: queryIndices.length,
  encodeMs: 2 * queryIndices.length,
  searchMs: 0.5 * queryIndices.length,
});
