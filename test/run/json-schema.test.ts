import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PUBLISHED_SCHEMAS, renderSchema } from '../../main/contract/json-schemas.ts';
import { repoRoot } from './fixtures.ts';

describe('published JSON Schemas', () => {
  for (const name of Object.keys(PUBLISHED_SCHEMAS) as (keyof typeof PUBLISHED_SCHEMAS)[]) {
    it(`main/contract/${name} is what the code generates (run "npm run schemas" after changing a schema)`, () => {
      expect(readFileSync(path.join(repoRoot, 'main/contract', name), 'utf8')).toBe(renderSchema(name));
    });
  }
});
