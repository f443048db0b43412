import { createRequire } from 'node:module';

/** The xlir-bench version recorded in every result (from package.json, the one source of it). */
export function toolVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('../../../package.json') as { version: string }).version;
}
