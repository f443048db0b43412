import type { AppEvent } from '../contract/app-api.ts';
import { XlirError } from '../engine/errors.ts';
import { userModelsDir } from '../engine/models/model-locations.ts';
import { ensureReplica } from '../engine/replicas/generate-replica.ts';
import type { ReplicaSpec } from '../engine/replicas/replica-catalog.ts';
import type { ReplicaTokenizerOptions } from '../engine/replicas/replica-tokenizer.ts';
import { replicaStatuses, type ReplicaStatus } from '../engine/replicas/replica-status.ts';

export interface ReplicaGeneration {
  list(): ReplicaStatus[];
  generate(name: string): Promise<{ dir: string; seconds?: number; note?: string }>;
  /** The replica being generated now, if any: a run must not start meanwhile. */
  inProgress(): string | undefined;
}

/**
 * Latency replicas generated from the app, as `xlir run --model NAME` generates them on first use:
 * into the user models folder, one at a time, never while a run is measured (writing a gigabyte of
 * weights would disturb its timings). Progress goes out as `replica-progress` events, at most one
 * per percent, so a 2 GB replica does not flood the windows.
 */
export function replicaGeneration(options: { catalogue: readonly ReplicaSpec[]; tokenizer?: ReplicaTokenizerOptions; emit: (event: AppEvent) => void; runInProgress: () => boolean }): ReplicaGeneration {
  let generating: string | undefined;
  return {
    list: () => replicaStatuses(options.catalogue, userModelsDir()),
    inProgress: () => generating,
    async generate(name) {
      const spec = options.catalogue.find((r) => r.name === name.toLowerCase());
      if (!spec) throw new XlirError('REPLICA_NOT_FOUND', `There is no replica "${name.slice(0, 100)}": the replicas are ${options.catalogue.map((r) => r.name).join(', ')}.`);
      if (generating !== undefined) throw new XlirError('REPLICA_IN_PROGRESS', `${generating} is being generated: one replica at a time. Wait for it to finish.`);
      if (options.runInProgress()) throw new XlirError('RUN_IN_PROGRESS', `A run is in progress: generating ${spec.name} now would disturb its timings. Wait for it to finish, or cancel it.`);
      generating = spec.name;
      let sent = { phase: '', percent: -1 };
      try {
        const { dir, generated } = await ensureReplica(spec, userModelsDir(), {
          ...(options.tokenizer && { tokenizer: options.tokenizer }),
          onProgress: ({ phase, done, total }) => {
            const percent = total > 0 ? Math.floor((100 * done) / total) : 100;
            if (phase === sent.phase && percent === sent.percent) return;
            sent = { phase, percent };
            options.emit({ type: 'replica-progress', name: spec.name, phase, done, total });
          },
        });
        return { dir, ...(generated && { seconds: generated.seconds }), ...(generated?.manifest.tokenizerStandIn && { note: generated.manifest.tokenizerStandIn.reason }) };
      } finally {
        generating = undefined;
      }
    },
  };
}
