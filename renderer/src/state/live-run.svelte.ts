import type { ActiveRun, AppEvent } from '../../../main/contract/app-api.ts';
import type { LiveSummary } from '../../../main/engine/latency/running-summary.ts';
import type { ScenarioKind } from '../../../main/engine/latency/scenario.ts';
import type { RunConfig, RunConfigInput } from '../../../main/engine/run/run-config.ts';
import type { RunEvent, RunPhase } from '../../../main/engine/run/run-events.ts';
import type { StoredRun } from '../../../main/store/run-queries.ts';
import { describeError } from '../api/api-call-error.ts';
import { eventsAfterSnapshot } from '../lib/event-overlap.ts';
import { advanceProgress, blocksPerModel, progressFraction, remainingMs, startProgress, type ModelLatencyProgress } from '../lib/latency-progress.ts';
import { TraceBuffer } from '../lib/trace-buffer.ts';
import { api, connection } from './connection.ts';
import { attempt, notices } from './notices.svelte.ts';

type LatencyEvent = Extract<RunEvent, { type: 'latency' }>;

/** sessionStorage key of the run this window shows: it survives a reload, as the token does. */
const LAST_RUN_KEY = 'xlir-live-run';

/** One model's latency phase as it runs. The trace lives outside Svelte's reactivity: charts read it once per frame. */
export class ModelLive {
  readonly name: string;
  readonly trace = new TraceBuffer();
  count = $state(0);
  /** Exact running statistics of the current block (`event.live`). */
  live = $state.raw<LiveSummary | null>(null);
  progress = $state.raw<ModelLatencyProgress>(startProgress(1));
  scenario = $state<ScenarioKind | null>(null);
  batchSize = $state<number | undefined>(undefined);
  done = $state(false);
  /** Latency-phase time of finished blocks and of the current one (warm-up included). */
  #spentMs = 0;
  #currentMs = 0;

  constructor(name: string, blocks: number) {
    this.name = name;
    this.progress = startProgress(blocks);
  }

  get fraction(): number {
    return this.done ? 1 : progressFraction(this.progress);
  }

  get elapsedMs(): number {
    return this.#spentMs + this.#currentMs;
  }

  apply(event: LatencyEvent, afterOtherModel: boolean): boolean {
    const before = this.progress;
    this.progress = advanceProgress(before, event, afterOtherModel);
    const newSegment = this.progress.started !== before.started || this.progress.measuring !== before.measuring;
    if (newSegment) this.#spentMs += this.#currentMs;
    this.#currentMs = event.progress.elapsedMs;
    this.scenario = event.scenario;
    this.batchSize = event.batchSize;
    if (event.phase !== 'measure') return false;
    this.live = event.live;
    if (event.samples.length === 0) return false;
    this.trace.append(event.samples.map((s) => s.totalMs));
    this.count = this.trace.length;
    return true;
  }
}

export type LiveStatus = 'running' | 'completed' | 'cancelled' | 'failed' | 'incomplete';

export interface StepProgress {
  phase: RunPhase;
  model: string;
  done: number;
  total: number;
  etaMs: number | null;
}

/**
 * The run in progress (or the last one this window saw), built from the app's events. A window
 * opened mid-run, or whose event stream broke, fetches the run's events so far (`activeRun`) and
 * replays them; one reloaded after its run ended shows how that run ended, from the history.
 * Charts redraw at most once per animation frame, whatever the event rate.
 */
class LiveRun {
  runId = $state<string | null>(null);
  config = $state.raw<RunConfig | null>(null);
  startedAt = $state<string | null>(null);
  status = $state<LiveStatus | null>(null);
  failure = $state<string | null>(null);
  phase = $state.raw<{ phase: RunPhase; model?: string; detail?: string } | null>(null);
  step = $state.raw<StepProgress | null>(null);
  models = $state<ModelLive[]>([]);
  warnings = $state<string[]>([]);
  /** The event stream is down and being reopened. */
  streamError = $state<string | null>(null);
  cancelling = $state(false);

  /** Share of the latency phase done over all the run's models, 0–1. */
  latencyFraction = $derived(this.config ? this.models.reduce((sum, m) => sum + m.fraction, 0) / this.config.models.length : 0);
  latencyEtaMs = $derived(remainingMs(this.latencyFraction, this.models.reduce((sum, m) => sum + m.elapsedMs, 0)));

  #lastLatencyModel: string | null = null;
  #stepStart: { key: string; atMs: number; done: number } | null = null;
  #frameListeners = new Set<() => void>();
  #framePending = false;
  /** Events heard while a snapshot is being fetched. */
  #held: AppEvent[] | null = null;
  #started = false;

  /** Subscribes to the app's events; fetches the run in progress whenever the stream (re)opens. */
  start(): void {
    if (this.#started || !connection) return;
    this.#started = true;
    connection.api.onEvent((event) => (this.#held ? this.#held.push(event) : this.#handle(event)));
    let firstOpen = true;
    connection.onStreamStatus((status) => {
      this.streamError = status.state === 'retrying' ? (status.error ?? 'the event stream broke') : null;
      if (status.state === 'open' && (firstOpen || status.reconnected)) {
        firstOpen = false;
        void this.resync();
      }
    });
  }

  /** Called once per animation frame in which new samples arrived; returns the unsubscribe function. */
  onFrame(listener: () => void): () => void {
    this.#frameListeners.add(listener);
    return () => this.#frameListeners.delete(listener);
  }

  /** Just started from this window: shown as running before its first event arrives. */
  expect(runId: string, config: RunConfigInput): void {
    // Until the app's parsed config arrives (run-started), the form's input stands in for it:
    // the form fills in every field the progress counts need.
    if (this.runId !== runId) this.#reset(runId, config as RunConfig, new Date().toISOString());
  }

  async cancel(): Promise<void> {
    const runId = this.runId;
    if (!runId || this.status !== 'running') return;
    this.cancelling = true;
    await attempt('Cancelling the run', () => api().cancelRun({ runId }));
    this.cancelling = false;
  }

  async resync(): Promise<void> {
    this.#held ??= [];
    const snapshot = await attempt('Fetching the run in progress', () => api().activeRun({}));
    const held = this.#held;
    this.#held = null;
    if (snapshot) this.#replay(snapshot, held);
    else {
      if (snapshot === null && this.status === 'running' && this.runId) await this.#settleFromHistory(this.runId);
      else if (snapshot === null && !this.runId) await this.#restoreLast();
      for (const event of held) this.#handle(event);
    }
  }

  #replay(snapshot: ActiveRun, held: AppEvent[]): void {
    this.#reset(snapshot.runId, snapshot.config, snapshot.startedAt);
    for (const event of snapshot.events) this.#apply(event);
    const heard = held.flatMap((e) => (e.type === 'run-event' && e.runId === snapshot.runId ? [e] : []));
    const fresh = new Set(eventsAfterSnapshot(snapshot.events, heard.map((e) => e.event)));
    for (const event of held) {
      if (event.type === 'run-event' && event.runId === snapshot.runId && !fresh.has(event.event)) continue;
      this.#handle(event);
    }
  }

  /** The run ended while the stream was down: the history knows how. */
  async #settleFromHistory(runId: string): Promise<void> {
    const run = await attempt('Fetching the run', () => api().getRun({ ref: runId }));
    if (run && this.runId === runId) this.#settle(run);
  }

  /** Ends as the history has it: a run still `running` there, yet not here, lost its process. */
  #settle(run: StoredRun): void {
    this.#finish(run.state === 'running' ? 'incomplete' : run.state, run.error);
  }

  /** Reloaded with no run in progress: the run this window showed last, as the history has it. */
  async #restoreLast(): Promise<void> {
    const runId = sessionStorage.getItem(LAST_RUN_KEY);
    if (!runId) return;
    let run: StoredRun;
    try {
      run = await api().getRun({ ref: runId });
    } catch (err) {
      // Deleted since: there is nothing left to point to, and nothing went wrong.
      if (describeError(err).code === 'RUN_NOT_FOUND') sessionStorage.removeItem(LAST_RUN_KEY);
      else notices.report('Fetching the last run', err);
      return;
    }
    if (this.runId) return; // a run started meanwhile
    this.#reset(run.id, run.config, run.startedAt);
    this.#settle(run);
  }

  #handle(event: AppEvent): void {
    switch (event.type) {
      case 'run-started':
        if (event.runId !== this.runId) this.#reset(event.runId, event.config, event.startedAt);
        else {
          // Started from this window (`expect`): the app's parsed config and start time are the real ones.
          this.config = event.config;
          this.startedAt = event.startedAt;
        }
        break;
      case 'run-event':
        // An event of a run this window never heard start: catch up on all of it.
        if (event.runId !== this.runId) void this.resync();
        else this.#apply(event.event);
        break;
      case 'run-finished':
        if (event.runId === this.runId) this.#finish(event.status, null);
        break;
      case 'run-failed':
        if (event.runId === this.runId) this.#finish('failed', event.code ? `${event.code}: ${event.message}` : event.message);
        break;
    }
  }

  #finish(status: LiveStatus, failure: string | null): void {
    this.status = status;
    this.failure = failure;
    this.cancelling = false;
    this.step = null;
    if (status === 'completed') for (const m of this.models) m.done = true;
    this.#scheduleFrame();
  }

  #reset(runId: string, config: RunConfig, startedAt: string): void {
    sessionStorage.setItem(LAST_RUN_KEY, runId);
    this.runId = runId;
    this.config = config;
    this.startedAt = startedAt;
    this.status = 'running';
    this.failure = null;
    this.phase = null;
    this.step = null;
    this.models = [];
    this.warnings = [];
    this.cancelling = false;
    this.#lastLatencyModel = null;
    this.#stepStart = null;
    this.#scheduleFrame();
  }

  #apply(event: RunEvent): void {
    switch (event.type) {
      case 'phase':
        this.phase = { phase: event.phase, ...(event.model !== undefined && { model: event.model }), ...(event.detail !== undefined && { detail: event.detail }) };
        this.step = null;
        break;
      case 'progress':
        this.step = this.#stepProgress(event);
        break;
      case 'latency': {
        // The app announces the latency phase for every model at once: name the one measuring now.
        if (this.phase?.phase === 'latency' && this.phase.model !== event.model) this.phase = { ...this.phase, model: event.model };
        const model = this.#model(event.model);
        const afterOther = this.#lastLatencyModel !== null && this.#lastLatencyModel !== event.model;
        this.#lastLatencyModel = event.model;
        if (model.apply(event, afterOther)) this.#scheduleFrame();
        break;
      }
      case 'warning':
        this.warnings.push(event.model ? `${event.model}: ${event.message}` : event.message);
        break;
      case 'model-done':
        for (const m of this.models) if (m.name === event.model) m.done = true;
        break;
    }
  }

  #stepProgress(event: Extract<RunEvent, { type: 'progress' }>): StepProgress {
    const key = `${event.phase}|${event.model}`;
    const now = performance.now();
    if (this.#stepStart?.key !== key) this.#stepStart = { key, atMs: now, done: event.done };
    const start = this.#stepStart;
    const rate = now > start.atMs ? (event.done - start.done) / (now - start.atMs) : 0;
    return { phase: event.phase, model: event.model, done: event.done, total: event.total, etaMs: rate > 0 ? (event.total - event.done) / rate : null };
  }

  #model(name: string): ModelLive {
    const found = this.models.find((m) => m.name === name);
    if (found) return found;
    const created = new ModelLive(name, this.config ? blocksPerModel(this.config.scenario, this.config.models.length) : 1);
    this.models.push(created);
    return created;
  }

  #scheduleFrame(): void {
    if (this.#framePending) return;
    this.#framePending = true;
    requestAnimationFrame(() => {
      this.#framePending = false;
      for (const listener of this.#frameListeners) listener();
    });
  }
}

export const liveRun = new LiveRun();
