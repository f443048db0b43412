import { listDatasets } from '../../engine/datasets/registry.ts';
import { parseFlags } from '../usage.ts';

export async function runDatasetsCommand(args: string[]): Promise<number> {
  const flags = parseFlags(args, { 'data-dir': { type: 'string' }, json: { type: 'boolean' } });
  const datasets = listDatasets(flags['data-dir'] !== undefined ? { dataDir: flags['data-dir'] } : {});
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(datasets, null, 2)}\n`);
    return 0;
  }
  for (const d of datasets) {
    process.stdout.write(
      `${d.name}  ${d.title}\n` +
        `  languages: ${d.languages.length > 0 ? d.languages.join(' ') : '(those of your files)'}\n` +
        `  licence:   ${d.licence}\n` +
        `  source:    ${d.source}\n` +
        `  status:    ${d.bundled ? `bundled (${d.location}, brotli-compressed; sha256 of each file is the pinned upstream one)` : d.found ? `found in ${d.location}` : `not found here: ${d.howTo}`}\n\n`,
    );
  }
  return 0;
}
