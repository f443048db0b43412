// Tokenizes texts with the engine's own tokenizer (createHfTokenizer) so that training sees
// exactly the ids inference will see. stdin: {"tokenizer": PATH, "texts": [...]} as JSON;
// stdout: one JSON array of ids per text, one per line, [CLS] and [SEP] included.
import { readFileSync } from 'node:fs';
import { createHfTokenizer } from '../../main/engine/models/hf-tokenizer/create-hf-tokenizer.ts';

const request = JSON.parse(readFileSync(0, 'utf8'));
const tokenizer = createHfTokenizer(JSON.parse(readFileSync(request.tokenizer, 'utf8')), {});
const lines = [];
for (const text of request.texts) {
  lines.push(JSON.stringify(tokenizer.encode(text).ids));
}
process.stdout.write(lines.join('\n') + (lines.length ? '\n' : ''));
