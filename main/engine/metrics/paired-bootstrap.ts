import { percentileOfSorted, sortedCopy } from '../latency/percentiles.ts';
import { createRng } from '../random/seeded.ts';
import type { QualityDetail } from './evaluate-quality.ts';

/**
 * Paired bootstrap of a quality difference between two models evaluated on the same queries
 * (e.g. hybrid − baseline mAP per setting), after Koehn 2004 / Sakai 2006.
 *
 * The unit resampled is the question **group** (`Query.group`): the translations of one question
 * are not independent, so resampling single queries would make the intervals too narrow. Each
 * resample draws as many groups as there are, with replacement; every query of a drawn group
 * counts once per draw, for both models alike (that is the pairing). Each setting is then
 * recomputed exactly as `evaluateQuality` defines it on the full data — monolingual and
 * cross-lingual as macro averages over (query language → candidate language) pairs,
 * multilingual and language bias as means over queries — so the observed values equal the
 * reported ones. The interval is the percentile interval of the resampled differences (nearest
 * rank), and `pValue` is twice the share of resamples on the far side of zero (capped at 1).
 */

export type QualitySettingName = 'monolingual' | 'crossLingual' | 'multilingual';

export interface PairedDifference {
  baseline: number;
  candidate: number;
  /** candidate − baseline. */
  difference: number;
  ciLow: number;
  ciHigh: number;
  pValue: number;
}

export interface PairedQualityComparison {
  resamples: number;
  seed: number;
  confidence: number;
  groups: number;
  settings: (PairedDifference & { setting: QualitySettingName })[];
  /** Mean max−min rank gap; lower is better. Null where neither model has one. */
  languageBias: Omit<PairedDifference, 'pValue'> | null;
}

/**
 * Per group and per (query language x, candidate language y) cell: the sum and count of the
 * defined APs of the group's queries, for both models; plus the same for the per-query values.
 * One resample is then a weighted sum of these blocks.
 */
interface GroupSums {
  groupCount: number;
  cells: number; // L × L pair cells + 2 (multilingual AP, rank gap)
  sumA: Float64Array;
  sumB: Float64Array;
  count: Float64Array;
}

function groupSums(a: QualityDetail, b: QualityDetail): GroupSums {
  const L = a.languages.length;
  const groupIndex = new Map<string, number>();
  for (const g of a.queryGroups) if (!groupIndex.has(g)) groupIndex.set(g, groupIndex.size);
  const cells = L * L + 2;
  const G = groupIndex.size;
  const sumA = new Float64Array(G * cells);
  const sumB = new Float64Array(G * cells);
  const count = new Float64Array(G * cells);
  const add = (g: number, cell: number, va: number, vb: number) => {
    // A value is defined for both models or for neither: the pool and relevance are the same.
    if (Number.isNaN(va) || Number.isNaN(vb)) return;
    sumA[g * cells + cell] += va;
    sumB[g * cells + cell] += vb;
    count[g * cells + cell] += 1;
  };
  for (let q = 0; q < a.queryIds.length; q++) {
    const g = groupIndex.get(a.queryGroups[q])!;
    const x = a.queryLanguage[q];
    for (let y = 0; y < L; y++) add(g, x * L + y, a.pairAp[q * L + y], b.pairAp[q * L + y]);
    add(g, L * L, a.multilingualAp[q], b.multilingualAp[q]);
    add(g, L * L + 1, a.rankGap[q], b.rankGap[q]);
  }
  return { groupCount: G, cells, sumA, sumB, count };
}

/** Settings from total sums and counts per cell: [mono, cross, multi, bias] for one model. */
function settingsFrom(sum: Float64Array, count: Float64Array, L: number): [number, number, number, number] {
  let mono = 0;
  let monoPairs = 0;
  let cross = 0;
  let crossPairs = 0;
  for (let x = 0; x < L; x++) {
    for (let y = 0; y < L; y++) {
      const c = count[x * L + y];
      if (c === 0) continue;
      const mean = sum[x * L + y] / c;
      if (x === y) {
        mono += mean;
        monoPairs++;
      } else {
        cross += mean;
        crossPairs++;
      }
    }
  }
  const multiCount = count[L * L];
  const biasCount = count[L * L + 1];
  return [
    monoPairs > 0 ? mono / monoPairs : NaN,
    crossPairs > 0 ? cross / crossPairs : NaN,
    multiCount > 0 ? sum[L * L] / multiCount : NaN,
    biasCount > 0 ? sum[L * L + 1] / biasCount : NaN,
  ];
}

export function comparePairedQuality(
  baseline: QualityDetail,
  candidate: QualityDetail,
  options: { seed: number; resamples?: number; confidence?: number },
): PairedQualityComparison {
  if (baseline.queryIds.length !== candidate.queryIds.length || baseline.queryIds.some((id, i) => id !== candidate.queryIds[i])) {
    throw new RangeError('a paired comparison needs both models evaluated on the same queries in the same order');
  }
  if (baseline.languages.join() !== candidate.languages.join()) throw new RangeError('a paired comparison needs the same languages on both sides');
  const resamples = options.resamples ?? 2000;
  const confidence = options.confidence ?? 0.95;
  const L = baseline.languages.length;
  const s = groupSums(baseline, candidate);
  const { groupCount: G, cells } = s;

  const total = (weights: Float64Array | null) => {
    const sumA = new Float64Array(cells);
    const sumB = new Float64Array(cells);
    const count = new Float64Array(cells);
    for (let g = 0; g < G; g++) {
      const w = weights ? weights[g] : 1;
      if (w === 0) continue;
      const base = g * cells;
      for (let c = 0; c < cells; c++) {
        sumA[c] += w * s.sumA[base + c];
        sumB[c] += w * s.sumB[base + c];
        count[c] += w * s.count[base + c];
      }
    }
    return { a: settingsFrom(sumA, count, L), b: settingsFrom(sumB, count, L) };
  };

  const observed = total(null);
  const rng = createRng(options.seed);
  const weights = new Float64Array(G);
  const diffs = [0, 1, 2, 3].map(() => new Float64Array(resamples));
  for (let r = 0; r < resamples; r++) {
    weights.fill(0);
    for (let i = 0; i < G; i++) weights[Math.floor(rng() * G)] += 1;
    const t = total(weights);
    for (let k = 0; k < 4; k++) diffs[k][r] = t.b[k] - t.a[k];
  }

  const tail = ((1 - confidence) / 2) * 100;
  const estimate = (k: number): PairedDifference | null => {
    if (Number.isNaN(observed.a[k]) || Number.isNaN(observed.b[k])) return null;
    // A resample can miss every query of a pair (NaN): such resamples say nothing about it.
    const valid = diffs[k].filter((d) => !Number.isNaN(d));
    const sorted = sortedCopy(valid);
    let below = 0;
    let above = 0;
    for (const d of valid) {
      if (d <= 0) below++;
      if (d >= 0) above++;
    }
    return {
      baseline: observed.a[k],
      candidate: observed.b[k],
      difference: observed.b[k] - observed.a[k],
      ciLow: percentileOfSorted(sorted, tail),
      ciHigh: percentileOfSorted(sorted, 100 - tail),
      pValue: Math.min(1, (2 * Math.min(below, above)) / valid.length),
    };
  };

  const names: QualitySettingName[] = ['monolingual', 'crossLingual', 'multilingual'];
  const settings = names.flatMap((setting, k) => {
    const e = estimate(k);
    return e ? [{ setting, ...e }] : [];
  });
  const bias = estimate(3);
  return {
    resamples,
    seed: options.seed,
    confidence,
    groups: G,
    settings,
    languageBias: bias ? { baseline: bias.baseline, candidate: bias.candidate, difference: bias.difference, ciLow: bias.ciLow, ciHigh: bias.ciHigh } : null,
  };
}
