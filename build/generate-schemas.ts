// Writes main/contract/*.schema.json from the engine's zod schemas (npm run schemas).
import { writeFileSync } from 'node:fs';
import { PUBLISHED_SCHEMAS, renderSchema } from '../main/contract/json-schemas.ts';

for (const name of Object.keys(PUBLISHED_SCHEMAS) as (keyof typeof PUBLISHED_SCHEMAS)[]) {
  const file = new URL(`../main/contract/${name}`, import.meta.url);
  writeFileSync(file, renderSchema(name));
  console.log(`wrote ${file.pathname}`);
}
