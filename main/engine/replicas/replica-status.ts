import { existsSync } from 'node:fs';
import path from 'node:path';
import { MODEL_FOLDER_FILES } from '../models/model-folder.ts';
import { parameterCount, type ReplicaSpec } from './replica-catalog.ts';

/** A catalogued replica as a model list shows it: generated already, or what generating it costs. */
export interface ReplicaStatus {
  name: string;
  hubId: string;
  /** Size of its weights (fp32), what generating it writes to disk. */
  bytes: number;
  /** Its folder under the models folder, generated or not. */
  dir: string;
  generated: boolean;
}

/** Each replica of `catalogue` under `modelsDir`: complete once its manifest is written (generation renames it into place last). */
export function replicaStatuses(catalogue: readonly ReplicaSpec[], modelsDir: string): ReplicaStatus[] {
  return catalogue.map((spec) => {
    const dir = path.join(modelsDir, spec.name);
    return { name: spec.name, hubId: spec.hubId, bytes: parameterCount(spec.architecture) * 4, dir, generated: existsSync(path.join(dir, MODEL_FOLDER_FILES.manifest)) };
  });
}
