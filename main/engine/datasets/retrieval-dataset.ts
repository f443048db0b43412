// The shape every dataset reader produces and every later stage consumes
// (dataset → queries/candidates → encoder → embeddings → search → metrics).

/** One retrievable text: for XQuAD-R an answer sentence, id `{lang}_{paragraph}_{sentence}`. */
export interface Candidate {
  id: string;
  lang: string;
  text: string;
  /** The paragraph the sentence comes from (XQuAD-R, MLQA-R), for models that encode a candidate with its context. */
  context?: string;
}

/** One question in one language. */
export interface Query {
  /** Unique within the dataset, e.g. `en_56beb4343aeaaa14008c925b`. */
  id: string;
  lang: string;
  text: string;
  /**
   * Id shared by the translations of one question (XQuAD-R: the SQuAD question id).
   * The bootstrap resamples these groups, since parallel questions are not independent.
   */
  group: string;
  /** Every relevant candidate id, in any language; each setting keeps those in the languages it searches. */
  relevant: string[];
}

export interface RetrievalDataset {
  /** e.g. `xquad-r`, `mlqa-r`, or the name a custom dataset gives itself. */
  name: string;
  /** Languages present, in a stable order. */
  languages: string[];
  queries: Query[];
  candidates: Candidate[];
  /** Files read, with their sha256, so a report says exactly which data it measured. */
  files: { path: string; sha256: string; bytes: number }[];
}
