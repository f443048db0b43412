// Prints every XQuAD-R question, then every candidate, per language, as the engine reads them:
// {"ar": [...], ...} on stdout. usage: node xquad_r_texts.mjs DATA_DIR
import { loadDataset } from '../../main/engine/datasets/registry.ts';

const { dataset } = await loadDataset({ name: 'xquad-r', dataDir: process.argv[2] }, { env: {} });
const texts = {};
for (const { lang, text } of [...dataset.queries, ...dataset.candidates]) (texts[lang] ??= []).push(text);
process.stdout.write(JSON.stringify(texts));
