import type { Query } from '../datasets/retrieval-dataset.ts';
import type { Clock } from '../latency/clock.ts';
import type { ProcessedBatch, QueryProcessor } from '../latency/query-processor.ts';
import type { Encoder } from '../models/encoder.ts';
import type { CandidateIndex, TopK } from '../retrieval/exact-search.ts';

/** How many candidates a measured query retrieves: what a retrieval system would return. */
export const RETRIEVED_PER_QUERY = 10;

/**
 * The system under test of the latency scenarios: one encoder and its candidate index.
 * A query is tokenized, encoded and searched exactly as a deployed retriever would do it;
 * each stage is timed with the scenario's clock.
 */
export class RetrievalQueryProcessor implements QueryProcessor {
  readonly queryCount: number;
  readonly #encoder: Encoder;
  readonly #queries: readonly Query[];
  readonly #index: CandidateIndex;
  // Reused across calls so that searching allocates nothing inside the measurement.
  readonly #topK: TopK;

  constructor(encoder: Encoder, queries: readonly Query[], index: CandidateIndex) {
    this.#encoder = encoder;
    this.#queries = queries;
    this.#index = index;
    this.queryCount = queries.length;
    const k = Math.min(RETRIEVED_PER_QUERY, index.count);
    this.#topK = { ids: new Int32Array(k), scores: new Float32Array(k) };
  }

  languageOf(queryIndex: number): string {
    return this.#queries[queryIndex].lang;
  }

  async process(queryIndices: readonly number[], clock: Clock): Promise<ProcessedBatch> {
    const texts = queryIndices.map((i) => this.#queries[i].text);
    const t0 = clock.nowMs();
    const batch = this.#encoder.tokenize(texts, 'query');
    const t1 = clock.nowMs();
    const vectors = await this.#encoder.run(batch);
    const t2 = clock.nowMs();
    const dim = this.#encoder.dimension;
    for (let row = 0; row < queryIndices.length; row++) {
      this.#index.topK(vectors.subarray(row * dim, (row + 1) * dim), this.#topK.ids.length, this.#topK);
    }
    const t3 = clock.nowMs();
    return { tokenizeMs: t1 - t0, encodeMs: t2 - t1, searchMs: t3 - t2, tokens: batch.lengths };
  }
}
