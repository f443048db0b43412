import os from 'node:os';
import path from 'node:path';

export const HISTORY_FILE_NAME = 'history.sqlite';

/**
 * The folder that holds the user's own data (the run history): `XLIR_HOME` where set, else the
 * platform's application-data folder — where users and backup tools expect it, not a cache.
 */
export function xlirHomeDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = os.homedir()): string {
  if (env.XLIR_HOME) return path.resolve(env.XLIR_HOME);
  if (platform === 'win32') return path.win32.join(env.APPDATA ?? path.win32.join(home, 'AppData', 'Roaming'), 'xlir-bench');
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', 'xlir-bench');
  return path.posix.join(env.XDG_DATA_HOME || path.posix.join(home, '.local', 'share'), 'xlir-bench');
}

export function historyDatabasePath(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = os.homedir()): string {
  const dir = xlirHomeDir(env, platform, home);
  return platform === 'win32' && !env.XLIR_HOME ? path.win32.join(dir, HISTORY_FILE_NAME) : path.join(dir, HISTORY_FILE_NAME);
}
