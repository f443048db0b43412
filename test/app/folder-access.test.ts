import { cpSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAppService } from '../../main/app/app-service.ts';
import type { ApiOutputs } from '../../main/contract/app-api.ts';
import { dataDir, quickConfig, tinyEncoderDir } from '../run/fixtures.ts';
import { failure } from './call-failure.ts';

const tmp = (name: string) => mkdtempSync(path.join(os.tmpdir(), `xlir-folders-${name}-`));


/**
 * The desktop app as main.ts makes it: every folder a call names must be one the user picked in a
 * native dialog (here a stand-in that "picks" what the test says) or configured.
 */
function desktopService(options: { dataDir?: string } = {}) {
  const homeDir = tmp('home');
  let nextPick: string | null = null;
  const service = createAppService({
    homeDir,
    warn: () => {},
    confineFolders: true,
    pickFolder: async () => nextPick,
    ...options,
  });
  return { homeDir, service, pick: (dir: string | null) => (nextPick = dir) };
}

/** A folder holding a copy of the tiny model, outside every configured folder. */
function modelsFolder(): string {
  const dir = tmp('models');
  cpSync(tinyEncoderDir, path.join(dir, 'tiny'), { recursive: true });
  return dir;
}

describe('desktop app: folders a page may name', () => {
  it('refuses a model folder nobody picked, and takes it once picked in the dialog (also later, and below it)', async () => {
    const { service, pick, homeDir } = desktopService();
    const folder = modelsFolder();
    const refused = await failure(service, 'addModelFolder', { path: folder });
    expect(refused).toMatchObject({ status: 403, code: 'FOLDER_NOT_ALLOWED' });
    expect(refused.message).toMatch(/not a folder you chose.*Choose/);

    pick(null); // the user cancels the dialog
    expect(await service.call('pickFolder', { purpose: 'model-folder' })).toEqual({ path: null });
    expect((await failure(service, 'addModelFolder', { path: folder })).code).toBe('FOLDER_NOT_ALLOWED');

    pick(folder);
    expect(await service.call('pickFolder', { purpose: 'model-folder' })).toEqual({ path: folder });
    const added = (await service.call('addModelFolder', { path: folder })) as ApiOutputs['addModelFolder'];
    expect(added.preferences.modelFolders).toEqual([folder]);
    expect(((await service.call('addModelFolder', { path: path.join(folder, 'tiny') })) as ApiOutputs['addModelFolder']).preferences.modelFolders).toEqual([folder, path.join(folder, 'tiny')]);

    // The pick outlives the app: a new start still takes the folder.
    const again = createAppService({ homeDir, warn: () => {}, confineFolders: true, pickFolder: async () => null });
    expect(((await again.call('listDatasets', { dataDir: folder })) as ApiOutputs['listDatasets']).length).toBeGreaterThan(0);
    await again.close();
    await service.close();
  });

  it('sees through "..", symbolic links and look-alike prefixes', async () => {
    const { service, pick } = desktopService();
    const picked = tmp('picked');
    pick(picked);
    await service.call('pickFolder', { purpose: 'model-folder' });
    const outside = modelsFolder();
    symlinkSync(outside, path.join(picked, 'link'));
    for (const sneaky of [path.join(picked, '..', path.basename(outside)), path.join(picked, 'link'), `${picked}-other`]) {
      expect((await failure(service, 'addModelFolder', { path: sneaky })).code, sneaky).toBe('FOLDER_NOT_ALLOWED');
    }
    await service.close();
  });

  it('refuses runs and dataset listings that name folders nobody picked', async () => {
    const { service, pick } = desktopService({ dataDir });
    pick(tinyEncoderDir);
    await service.call('pickFolder', { purpose: 'model-folder' });
    const stray = modelsFolder();
    const run = await failure(service, 'startRun', { config: quickConfig([path.join(stray, 'tiny')]) });
    expect(run).toMatchObject({ status: 403, code: 'FOLDER_NOT_ALLOWED' });
    expect(run.message).toMatch(/^Model folder .*tiny is not a folder you chose/);
    const data = await failure(service, 'startRun', { config: quickConfig([tinyEncoderDir], { dataset: { name: 'xquad-r', dataDir: stray } }) });
    expect(data.message).toMatch(/^Data folder /);
    expect((await failure(service, 'startRun', { config: quickConfig([tinyEncoderDir], { dataset: { name: 'custom', path: stray } }) })).message).toMatch(/^Dataset folder /);
    expect((await failure(service, 'listDatasets', { dataDir: stray })).code).toBe('FOLDER_NOT_ALLOWED');
    // A page cannot grant itself a folder through the preferences either.
    expect((await failure(service, 'savePreferences', { theme: 'dark', modelFolders: [stray] })).code).toBe('FOLDER_NOT_ALLOWED');
    // The configured data folder (here: --data-dir) is allowed without a pick.
    expect(((await service.call('listDatasets', {})) as ApiOutputs['listDatasets']).find((d) => d.name === 'xquad-r')?.found).toBe(true);
    await service.close();
  });

  it('writes embeddings only into a folder the user picked, in the desktop app and in the browser alike', async () => {
    const out = tmp('embeddings');
    for (const confineFolders of [true, false]) {
      const service = createAppService({ homeDir: tmp('home'), warn: () => {}, confineFolders, dataDir, pickFolder: async () => tinyEncoderDir });
      if (confineFolders) await service.call('pickFolder', { purpose: 'model-folder' });
      const refused = await failure(service, 'startRun', { config: quickConfig([tinyEncoderDir], { saveEmbeddingsDir: out }) });
      expect(refused, String(confineFolders)).toMatchObject({ status: 403, code: 'FOLDER_NOT_ALLOWED', message: expect.stringMatching(/^Embeddings folder .*writes only folders picked.*xlir run --save-embeddings/) });
      await service.close();
    }
    expect(readdirSync(out)).toEqual([]);
  });

  it('in the browser (xlir serve), where there is no native dialog, reads the folders typed and says picking needs the desktop app', async () => {
    const service = createAppService({ homeDir: tmp('home'), warn: () => {}, confineFolders: false });
    const folder = modelsFolder();
    expect(((await service.call('addModelFolder', { path: folder })) as ApiOutputs['addModelFolder']).preferences.modelFolders).toEqual([folder]);
    expect(await failure(service, 'pickFolder', { purpose: 'data-folder' })).toMatchObject({ code: 'NOT_AVAILABLE', message: expect.stringMatching(/desktop app.*type/) });
    await service.close();
  });
});
