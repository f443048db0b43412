import { existsSync } from 'node:fs';
import path from 'node:path';
import { sha256Model } from '../engine/models/file-hash.ts';
import { MODEL_FOLDER_FILES } from '../engine/models/model-folder.ts';
import { userModelsDir } from '../engine/models/model-locations.ts';
import { ensureReplica, type GenerateReplicaOptions } from '../engine/replicas/generate-replica.ts';
import { findReplica, parameterCount } from '../engine/replicas/replica-catalog.ts';
import { createProgressBar } from './terminal.ts';

/**
 * A `--model` value that names a replica not generated yet (`xlm-roberta-base-replica`, or the real
 * model's Hub id) is generated into the user models folder on first use, with progress on stderr.
 * Returns its folder, or undefined when the value names no replica. `tokenizer` as for ensureReplica
 * (the benches ask for the offline stand-in, so that nothing is downloaded).
 */
export async function replicaOnFirstUse(
  value: string,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  tokenizer?: GenerateReplicaOptions['tokenizer'],
): Promise<string | undefined> {
  const spec = findReplica(value);
  if (!spec) return undefined;
  const modelsDir = userModelsDir();
  const bar = createProgressBar();
  if (!existsSync(path.join(modelsDir, spec.name, MODEL_FOLDER_FILES.manifest))) {
    log(`Generating ${spec.name} (latency replica of ${spec.hubId}, ${((parameterCount(spec.architecture) * 4) / 1e9).toFixed(2)} GB) in ${modelsDir}: first use only`);
  }
  const { dir, generated } = await ensureReplica(spec, modelsDir, {
    ...(tokenizer && { tokenizer }),
    onProgress: ({ phase, done, total }) =>
      phase === 'weights' ? bar.update(`weights ${(done / 1e9).toFixed(2)}/${(total / 1e9).toFixed(2)} GB`, done, total) : bar.update('stand-in tokens per XQuAD-R question', done, total),
  });
  bar.done();
  if (generated) {
    log(`${path.join(modelsDir, spec.name)}: generated in ${generated.seconds.toFixed(1)} s, ${(generated.weightBytes / 1e9).toFixed(2)} GB, sha256 ${await sha256Model(path.join(dir, MODEL_FOLDER_FILES.model))}`);
    if (generated.manifest.tokenizerStandIn) log(`note: ${spec.name}: ${generated.manifest.tokenizerStandIn.reason}.`);
  }
  return dir;
}
