import path from 'node:path';
import { modelSearchDirs, resolveModelArgument } from '../../engine/models/model-locations.ts';
import { openModelFolder } from '../../engine/models/model-folder.ts';
import { variantChoices } from '../../engine/models/variant-file.ts';
import { isDerivedVariantName, writeDerivedVariant, DERIVED_VARIANTS } from '../../engine/precision/derived-variants.ts';
import { formatTable } from '../terminal.ts';
import { CliUsageError, parseFlagsAndOperands, parseList } from '../usage.ts';

/**
 * `xlir variants DIR [--make int8,fp16]`: the model's precision variants, and (with --make) the
 * derived ones written beside its graph as model_<name>.onnx, where every loader finds them: a
 * variant made once, shipped with the model, without Python.
 */
export async function runVariantsCommand(args: string[]): Promise<number> {
  const { flags, operands } = parseFlagsAndOperands(args, { make: { type: 'string' } });
  if (operands.length !== 1) throw new CliUsageError('xlir variants takes one model folder (or a model name from xlir models)');
  const dir = resolveModelArgument(operands[0], modelSearchDirs()) ?? path.resolve(operands[0]);
  const folder = await openModelFolder(dir);
  const make = parseList(flags.make) ?? [];
  const unknown = make.filter((name) => !isDerivedVariantName(name));
  if (unknown.length > 0) throw new CliUsageError(`--make takes ${Object.keys(DERIVED_VARIANTS).join(', ')}; got ${unknown.join(', ')}`);
  for (const name of make) {
    if (!isDerivedVariantName(name)) continue;
    process.stdout.write(`wrote ${await writeDerivedVariant(folder.graphFile, name)}\n`);
  }
  const current = make.length > 0 ? await openModelFolder(dir) : folder;
  const rows = variantChoices(current).map((v) => [v.name, v.file ?? 'made from the graph on first use (xlir run --variant NAME)']);
  process.stdout.write(`${formatTable(['variant', 'file'], rows)}\n`);
  return 0;
}
