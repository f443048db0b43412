import { scanModelFolders } from '../../engine/models/discover.ts';
import { modelSearchDirs } from '../../engine/models/model-locations.ts';
import { formatTable } from '../terminal.ts';
import { parseFlags } from '../usage.ts';

export async function runModelsCommand(args: string[]): Promise<number> {
  const flags = parseFlags(args, { 'model-dir': { type: 'string', multiple: true }, json: { type: 'boolean' } });
  const dirs = modelSearchDirs(flags['model-dir'] ?? []);
  const { models: listings, skipped } = await scanModelFolders(dirs);
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ searched: dirs, models: listings, skipped }, null, 2)}\n`);
    return 0;
  }
  const ok = listings.filter((m) => m.ok);
  const rows = ok.map((m) => [m.name, m.family, m.checkpoint, m.dimension ?? '?', m.maxLength, `${(m.bytes / 1e6).toFixed(1)} MB`, m.layout ?? '-', m.variants.join(',') || '-', m.dir]);
  process.stdout.write(`${ok.length > 0 ? formatTable(['name', 'family', 'checkpoint', 'dim', 'max len', 'size', 'layout', 'variants', 'folder'], rows) : 'No models found.'}\n`);
  for (const m of listings) if (!m.ok) process.stdout.write(`broken: ${m.dir}: ${m.error}\n`);
  for (const s of skipped) process.stdout.write(`skipped: ${s.dir}: ${s.reason}\n`);
  process.stdout.write(`\nSearched: ${dirs.join(', ')}\nEvery model can also run as int8 and fp16 (made on first use): xlir run --variant int8. Details of one: xlir inspect DIR\n`);
  return 0;
}
