import { scanModelFolders } from '../../engine/models/discover.ts';
import { modelSearchDirs, userModelsDir } from '../../engine/models/model-locations.ts';
import { REPLICAS } from '../../engine/replicas/replica-catalog.ts';
import { replicaStatuses } from '../../engine/replicas/replica-status.ts';
import { formatTable } from '../terminal.ts';
import { parseFlags } from '../usage.ts';

export async function runModelsCommand(args: string[]): Promise<number> {
  const flags = parseFlags(args, { 'model-dir': { type: 'string', multiple: true }, json: { type: 'boolean' } });
  const dirs = modelSearchDirs(flags['model-dir'] ?? []);
  const { models: listings, skipped } = await scanModelFolders(dirs);
  const found = new Set(listings.filter((m) => m.ok).map((m) => m.name));
  const replicas = replicaStatuses(REPLICAS, userModelsDir())
    .filter((r) => !found.has(r.name))
    .map(({ name, hubId, bytes }) => ({ name, hubId, bytes }));
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ searched: dirs, models: listings, skipped, generatedOnFirstUse: replicas }, null, 2)}\n`);
    return 0;
  }
  const ok = listings.filter((m) => m.ok);
  const rows = ok.map((m) => [m.name, m.family, m.checkpoint, m.dimension ?? '?', m.maxLength, `${(m.bytes / 1e6).toFixed(1)} MB`, m.layout ?? '-', m.variants.join(',') || '-', m.dir]);
  process.stdout.write(`${ok.length > 0 ? formatTable(['name', 'family', 'checkpoint', 'dim', 'max len', 'size', 'layout', 'variants', 'folder'], rows) : 'No models found.'}\n`);
  for (const m of listings) if (!m.ok) process.stdout.write(`broken: ${m.dir}: ${m.error}\n`);
  for (const s of skipped) process.stdout.write(`skipped: ${s.dir}: ${s.reason}\n`);
  process.stdout.write(`\nSearched: ${dirs.join(', ')}\nEvery model can also run as int8 and fp16 (made on first use): xlir run --variant int8. Details of one: xlir inspect DIR\n`);
  if (replicas.length > 0) {
    process.stdout.write(`\nLatency replicas, generated on first use (xlir run --model NAME; no download, no Python):\n`);
    for (const r of replicas) process.stdout.write(`  ${r.name.padEnd(46)} ${r.hubId} (${(r.bytes / 1e9).toFixed(2)} GB)\n`);
  }
  return 0;
}
