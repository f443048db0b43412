import type { NoiseFloor } from '../engine/calibration/noise-floor.ts';
import type { LatencyComparison } from '../engine/latency/compare.ts';
import type { LatencyResult } from '../engine/run/run-result.ts';
import { formatShare } from './format-numbers.ts';

/**
 * The sentences that say how a latency verdict was reached and what the machine's noise allows,
 * the same in the CLI, the app and the reports. Types only from the engine: the renderer imports
 * this module.
 */

/** How the interval was formed, the mean's verdict, and where the practical threshold comes from. */
export function latencyMethodNote(latency: LatencyComparison): string {
  const method =
    latency.method === 'paired-rounds'
      ? `Interval: Student's t across ${latency.roundRatios?.length ?? '?'} paired rounds of interleaved blocks (covers drift between blocks)`
      : `Interval: bootstrap of queries as independent samples, ${latency.resamples ?? '?'} resamples, seed ${latency.seed ?? '?'} (drift between the two measurements counts as a difference)`;
  const threshold = `practically equal below ${formatShare(latency.practicalThreshold)}${latency.practicalThresholdSource ? ` (${latency.practicalThresholdSource})` : ''}`;
  return `Mean: ${latency.mean.verdict}. ${method}; ${threshold}.`;
}

/** The noise floor of an A/A run as one line. */
export function describeNoiseFloor(floor: NoiseFloor): string {
  const seconds = (s: number) => (s >= 120 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(0)} s`);
  const aa = `A/A ratio ${floor.ratio.toFixed(3)} (95% CI ${floor.ciLow.toFixed(3)}–${floor.ciHigh.toFixed(3)})`;
  const need = floor.for2Percent
    ? `; resolving 2% takes about ${floor.for2Percent.rounds} rounds (${seconds(floor.for2Percent.seconds)})`
    : '; 2% is beyond reach of any practical run length here';
  return `Noise floor of ${floor.model}: a run of ${floor.rounds} rounds (${seconds(floor.rounds * floor.roundSeconds)}) resolves differences of ${formatShare(floor.resolvable)} or more; ${aa}${need}`;
}

/** ", in N interleaved rounds" where the model was measured in rounds alternating with the others. */
export function interleavingNote(latency: LatencyResult): string {
  const blocks = latency.scenario === 'offline' ? latency.runs[0]?.blocks : latency.blocks;
  if (blocks && blocks.length > 1) return `, in ${blocks.length} interleaved rounds${latency.scenario === 'offline' ? ' per batch size' : ''}`;
  // Older single-stream results record only their round count.
  return latency.scenario === 'single-stream' && latency.rounds > 1 ? `, in ${latency.rounds} alternating blocks` : '';
}
