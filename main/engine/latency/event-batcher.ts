import type { StageTimes } from './latency-sample.ts';
import { RunningSummary } from './running-summary.ts';
import { DEFAULT_CADENCE, type EventCadence, type LatencyEvent, type ScenarioOptions } from './scenario.ts';
import { progressOf, type RunLength } from './run-length.ts';

type EventFrame<S> = Pick<LatencyEvent<S>, 'scenario' | 'phase' | 'batchSize'>;

/**
 * Collects one phase's samples and sends them to the listener in batches: when `everySamples`
 * are pending or `everyMs` have passed since the last event, whichever comes first, plus a final
 * flush. Keeps the exact running statistics the live view shows.
 */
export class EventBatcher<S extends StageTimes> {
  readonly #frame: EventFrame<S>;
  readonly #options: Pick<ScenarioOptions<S>, 'clock' | 'onEvent' | 'cadence'>;
  readonly #length: RunLength;
  readonly #cadence: EventCadence;
  readonly #startMs: number;
  readonly #running = new RunningSummary();
  #pending: S[] = [];
  #lastEmitMs: number;
  #done = 0;

  constructor(frame: EventFrame<S>, options: Pick<ScenarioOptions<S>, 'clock' | 'onEvent' | 'cadence'>, length: RunLength) {
    this.#frame = frame;
    this.#options = options;
    this.#length = length;
    this.#cadence = { ...DEFAULT_CADENCE, ...options.cadence };
    this.#startMs = options.clock.nowMs();
    this.#lastEmitMs = this.#startMs;
  }

  /** Notes `queries` more done in this phase, with their sample if it is recorded; emits if due. */
  record(queries: number, sample?: S): void {
    this.#done += queries;
    if (!this.#options.onEvent) return;
    if (sample) this.#pending.push(sample);
    const due = this.#pending.length >= this.#cadence.everySamples || this.#options.clock.nowMs() - this.#lastEmitMs >= this.#cadence.everyMs;
    if (due) this.flush();
  }

  /** Emits whatever is pending (the last event of a phase). */
  flush(): void {
    const onEvent = this.#options.onEvent;
    if (!onEvent) return;
    const now = this.#options.clock.nowMs();
    const samples = this.#pending;
    this.#pending = [];
    this.#lastEmitMs = now;
    this.#running.add(samples.map((s) => s.totalMs));
    onEvent({
      ...this.#frame,
      samples,
      progress: progressOf(this.#done, now - this.#startMs, this.#length),
      live: this.#running.snapshot(),
    });
  }
}
