// The latency replica a bench measures: found in .cache/models or the user's models folder, else
// generated offline into .cache/models (random weights, a stand-in tokenizer: nothing downloaded).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { resolveModelArgument, userModelsDir } from '../main/engine/models/model-locations.ts';

const repo = path.resolve(import.meta.dirname, '..');

/** The folder of replica `name` (e.g. xlm-roberta-base-replica of hub model xlm-roberta-base), generated if missing. */
export function ensureReplica(name: string, hubModel: string): string {
  const searched = [path.join(repo, '.cache/models'), userModelsDir()];
  const found = resolveModelArgument(name, searched);
  if (found) return found;
  const out = path.join(repo, '.cache/models');
  console.error(`No ${name} in ${searched.join(' or ')}: generating it offline into ${out} (about 1 GB, a minute or two)…`);
  const generated = spawnSync('bash', [path.join(repo, 'native-models/python.sh'), 'replicas.generate', '--model', hubModel, '--out', out, '--offline-tokenizer'], { cwd: repo, stdio: 'inherit' });
  const dir = resolveModelArgument(name, [out]);
  if (generated.status !== 0 || !dir) {
    throw new Error(`${name} could not be generated (exit ${generated.status ?? generated.signal}); see the messages above, or pass --model DIR`);
  }
  return dir;
}
