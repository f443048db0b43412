import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { XlirError } from '../engine/errors.ts';

export const GRANTED_FOLDERS_FILE_NAME = 'granted-folders.json';

const GrantedFoldersSchema = z.array(z.string().min(1).max(4096)).max(1000);

/**
 * Which folders the app's pages may name (model folders, data and dataset folders, the folder
 * embeddings are written to). The page is treated as untrusted: it renders imported reports and
 * model folders' contents, so a flaw in it must not reach the rest of the disk through the app.
 *
 * A folder is allowed when it is, or lies inside, one the user configured outside the page (the
 * bundled and user model folders, XLIR_DATA_DIR, `xlir serve --data-dir`, the download cache,
 * model folders added before) or one the user picked in a native dialog (the desktop app's
 * "Choose…"; kept in XLIR_HOME/granted-folders.json, which only the main process writes). Paths
 * are compared after `..` and symbolic links are resolved.
 *
 * Writing (embeddings) is confined in the browser too; reading is confined in the desktop app only,
 * as a browser has no native dialog to pick with: there the user types the folders, and the page
 * acts for the user who started `xlir serve`, behind its access token.
 */
export interface FolderAccess {
  /** Throws FOLDER_NOT_ALLOWED where the page may not name `dir` for `use`; `what` names it in the message. */
  check(dir: string, what: string, use: 'read' | 'write'): void;
  /** Allows `dir` from now on (and after a restart): the user picked it in a native dialog. */
  grant(dir: string): string;
}

/** The real path of `dir`, or of its nearest existing parent joined with the rest (a folder yet to be made). */
function realPath(dir: string): string {
  const resolved = path.resolve(dir);
  const missing: string[] = [];
  for (let at = resolved; ; at = path.dirname(at)) {
    if (existsSync(at)) return path.join(realpathSync.native(at), ...missing.reverse());
    if (path.dirname(at) === at) return resolved;
    missing.push(path.basename(at));
  }
}

const isInside = (dir: string, root: string) => {
  const relative = path.relative(root, dir);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
};

export function folderAccess(options: {
  homeDir: string;
  /** Folders allowed without a pick; read each time, as some come from the preferences. */
  configured: () => readonly string[];
  confineReads: boolean;
  warn: (message: string) => void;
}): FolderAccess {
  const file = path.join(options.homeDir, GRANTED_FOLDERS_FILE_NAME);

  function granted(): string[] {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return [];
    }
    try {
      return GrantedFoldersSchema.parse(JSON.parse(text));
    } catch (err) {
      options.warn(`${file} is not a list of folders (${(err as Error).message.split('\n')[0]}): no folder picked before counts; pick them again.`);
      return [];
    }
  }

  return {
    check(dir, what, use) {
      if (use === 'read' && !options.confineReads) return;
      const real = realPath(dir);
      const roots = [...options.configured(), ...granted()].map(realPath);
      if (roots.some((root) => isInside(real, root))) return;
      throw new XlirError(
        'FOLDER_NOT_ALLOWED',
        `${what} ${dir} is not a folder you chose: the app ${use === 'write' ? 'writes' : 'reads'} only folders picked with "Choose…" in the desktop app, or configured (XLIR_DATA_DIR, XLIR_MODELS_DIR, xlir serve --data-dir).${use === 'write' ? ' From a terminal, xlir run --save-embeddings DIR writes anywhere.' : ''}`,
      );
    },
    grant(dir) {
      const real = realPath(dir);
      const current = granted();
      if (!current.includes(real)) {
        const temp = `${file}.${process.pid}.tmp`;
        mkdirSync(options.homeDir, { recursive: true });
        writeFileSync(temp, `${JSON.stringify([...current, real], null, 2)}\n`);
        renameSync(temp, file);
      }
      return real;
    },
  };
}
