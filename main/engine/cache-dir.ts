import os from 'node:os';
import path from 'node:path';

/** The tool's user cache folder: `$XLIR_CACHE_DIR`, else `~/.cache/xlir-bench` (downloads, models, measured peaks). */
export function xlirCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.XLIR_CACHE_DIR || path.join(os.homedir(), '.cache', 'xlir-bench');
}
