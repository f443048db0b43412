import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PreferencesSchema, type Preferences } from '../contract/app-api.ts';
import { XlirError } from '../engine/errors.ts';
import { describeZodIssues } from './api-error.ts';

export const PREFERENCES_FILE_NAME = 'preferences.json';

export interface PreferencesFile {
  readonly file: string;
  /** The saved preferences; defaults where there are none or the file is unreadable (with a warning). */
  load(): Preferences;
  save(preferences: Preferences): Preferences;
}

/** `preferences.json.bad`, or `.bad-2`, `.bad-3`… where that is taken: an older bad file is never replaced. */
function freeBadName(file: string): string {
  for (let n = 1; ; n++) {
    const candidate = `${file}.bad${n === 1 ? '' : `-${n}`}`;
    if (!existsSync(candidate)) return candidate;
  }
}

/**
 * The UI's preferences in `homeDir/preferences.json`. A file that is not valid preferences (damaged,
 * edited by hand, written by a newer version) never stops the app: it is moved aside as
 * `preferences.json.bad` for the user to look at, and the defaults are used. Were it left in place,
 * the next save would overwrite it without a word.
 */
export function preferencesFile(homeDir: string, warn: (message: string) => void): PreferencesFile {
  const file = path.join(homeDir, PREFERENCES_FILE_NAME);
  // Set while a file we cannot use stays in place (unreadable, or not movable): saving would destroy it.
  let keepBadFile = false;

  function setAside(reason: string): void {
    const bad = freeBadName(file);
    try {
      renameSync(file, bad);
      warn(`The preferences in ${file} were not usable (${reason}): they were kept as ${bad}, and the defaults are used.`);
    } catch (err) {
      keepBadFile = true;
      warn(`The preferences in ${file} were not usable (${reason}) and could not be moved aside (${(err as Error).message}): the defaults are used, and preferences are not saved until the file is moved or fixed.`);
    }
  }

  function load(): Preferences {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      keepBadFile = !missing;
      if (!missing) warn(`The preferences in ${file} cannot be read (${(err as Error).message}): the defaults are used, and preferences are not saved until the file can be read.`);
      return PreferencesSchema.parse({});
    }
    keepBadFile = false;
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      setAside(`not JSON: ${(err as Error).message}`);
      return PreferencesSchema.parse({});
    }
    const parsed = PreferencesSchema.safeParse(raw);
    if (!parsed.success) {
      setAside(describeZodIssues(parsed.error));
      return PreferencesSchema.parse({});
    }
    return parsed.data;
  }

  return {
    file,
    load,
    save(preferences) {
      // Reading first moves a bad file aside, so that this save cannot be what overwrites it.
      load();
      if (keepBadFile) throw new XlirError('PREFERENCES_UNWRITABLE', `${file} holds preferences that cannot be read, and it was left in place: move it away or fix it, then save again.`);
      const valid = PreferencesSchema.parse(preferences);
      const temp = `${file}.${process.pid}.tmp`;
      try {
        mkdirSync(homeDir, { recursive: true });
        // Written whole, then renamed over the old file: a crash leaves the old or the new, never half.
        writeFileSync(temp, `${JSON.stringify(valid, null, 2)}\n`);
        renameSync(temp, file);
      } catch (err) {
        throw new XlirError('PREFERENCES_UNWRITABLE', `The preferences cannot be saved in ${file} (${(err as Error).message}): make the folder writable, or set XLIR_HOME to another folder.`);
      }
      return valid;
    },
  };
}
