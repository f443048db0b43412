import path from 'node:path';
import { inspectModelFolder, type GraphValue } from '../../engine/models/inspect-model.ts';
import { modelSearchDirs, resolveModelArgument } from '../../engine/models/model-locations.ts';
import { formatTable } from '../terminal.ts';
import { CliUsageError, parseFlagsAndOperands } from '../usage.ts';

/** Long values (licence, provenance) cut for the table; --json has them whole. */
const clip = (text: string) => (text.length > 72 ? `${text.slice(0, 71)}…` : text);
const describe = (v: GraphValue) => `${v.name} ${v.type} [${v.shape.join(', ')}]`;

/** `xlir inspect DIR`: what the folder holds, what the engine infers from it and from where, and what is missing. Exit 1 when it cannot run. */
export async function runInspectCommand(args: string[]): Promise<number> {
  const { flags, operands } = parseFlagsAndOperands(args, { json: { type: 'boolean' } });
  if (operands.length !== 1) throw new CliUsageError('xlir inspect takes one model folder (or a model name from xlir models)');
  const dir = resolveModelArgument(operands[0], modelSearchDirs()) ?? path.resolve(operands[0]);
  const inspection = await inspectModelFolder(dir);
  const ok = inspection.problems.length === 0;
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(inspection, null, 2)}\n`);
    return ok ? 0 : 1;
  }
  const lines = [`Model folder ${dir}${inspection.layout ? ` (${inspection.layout} layout${inspection.hasManifest ? ', with manifest.json' : ', no manifest.json'})` : ''}`, `Found: ${inspection.found.join(', ') || 'nothing'}`];
  const g = inspection.graph;
  if (g) {
    lines.push(`Graph: ${g.file} (${(g.bytes / 1e6).toFixed(1)} MB${g.precision ? `, ${g.precision}` : ''})`, `  inputs:  ${g.inputs.map(describe).join('; ')}`, `  outputs: ${g.outputs.map(describe).join('; ')}`);
  }
  if (inspection.manifest) {
    const rows = Object.entries(inspection.manifest).map(([field, value]) => [field, clip(JSON.stringify(value)), inspection.sources[field] ?? 'default']);
    lines.push('', 'Settings (a manifest.json in the folder overrides any of them)', formatTable(['field', 'value', 'from'], rows));
  }
  if (inspection.variants.length > 0) {
    lines.push('', 'Precision variants (xlir run --variant NAME)', formatTable(['name', 'file', 'precision'], inspection.variants.map((v) => [v.name, v.file ?? 'made by XLIR Bench on first use', v.precision ?? '?'])));
  }
  if (inspection.notes.length > 0) lines.push('', 'Assumed (check these)', ...inspection.notes.map((n) => `  - ${n}`));
  if (!ok) lines.push('', 'Cannot run', ...inspection.problems.map((p) => `  - ${p.problem}${p.fix ? `\n    Fix: ${p.fix}` : ''}`));
  else lines.push('', `Ready: xlir run --model ${dir}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return ok ? 0 : 1;
}
