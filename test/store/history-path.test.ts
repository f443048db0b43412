import { describe, expect, it } from 'vitest';
import { historyDatabasePath } from '../../main/store/history-path.ts';

describe('where the history lives', () => {
  it('is XLIR_HOME when set, on every platform', () => {
    expect(historyDatabasePath({ XLIR_HOME: '/data/xlir' }, 'linux', '/home/ana')).toBe('/data/xlir/history.sqlite');
    expect(historyDatabasePath({ XLIR_HOME: '/data/xlir', APPDATA: 'C:\\x' }, 'darwin', '/Users/ana')).toBe('/data/xlir/history.sqlite');
  });

  it("is otherwise the platform's application-data folder", () => {
    expect(historyDatabasePath({}, 'linux', '/home/ana')).toBe('/home/ana/.local/share/xlir-bench/history.sqlite');
    expect(historyDatabasePath({ XDG_DATA_HOME: '/xdg' }, 'linux', '/home/ana')).toBe('/xdg/xlir-bench/history.sqlite');
    expect(historyDatabasePath({}, 'darwin', '/Users/ana')).toBe('/Users/ana/Library/Application Support/xlir-bench/history.sqlite');
    expect(historyDatabasePath({ APPDATA: 'C:\\Users\\ana\\AppData\\Roaming' }, 'win32', 'C:\\Users\\ana')).toBe('C:\\Users\\ana\\AppData\\Roaming\\xlir-bench\\history.sqlite');
  });
});
