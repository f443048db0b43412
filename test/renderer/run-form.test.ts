import { describe, expect, it } from 'vitest';
import { RunConfigSchema } from '../../main/engine/run/run-config.ts';
import { configFromForm, formFromConfig } from '../../renderer/src/lib/run-form.ts';

const XQUAD = ['ar', 'de', 'el', 'en', 'es', 'hi', 'ru', 'th', 'tr', 'vi', 'zh'];

describe('run form', () => {
  it('builds a config the app accepts, and reads the same form back from it', () => {
    const form = { ...formFromConfig(undefined, ['/models/a', '/models/b']), langs: ['en', 'de'], maxQueries: 20, warmupQueries: 5, minQueries: 60, minDurationS: 0.5, threads: 2 };
    const built = configFromForm(form, XQUAD);
    expect(built.errors).toEqual([]);
    const config = RunConfigSchema.parse(built.config);
    expect(config.models).toEqual(['/models/a', '/models/b']);
    // In the dataset's order, whatever order they were ticked in.
    expect(config.dataset).toEqual({ name: 'xquad-r', langs: ['de', 'en'], maxQueries: 20 });
    expect(config.scenario).toEqual({ kind: 'single-stream', warmupQueries: 5, minQueries: 60, minDurationMs: 500, rounds: 10 });
    expect(config.provider.intraOpThreads).toBe(2);
    expect(formFromConfig(config, [])).toEqual({ ...form, langs: ['de', 'en'] });
  });

  it('asks for precision variants and candidate context, and leaves the context to the models unless set', () => {
    const base = { ...formFromConfig(undefined, ['/m']), langs: [...XQUAD] };
    expect(RunConfigSchema.parse(configFromForm(base, XQUAD).config)).toMatchObject({ variants: [] });
    expect(RunConfigSchema.parse(configFromForm(base, XQUAD).config).candidateContext).toBeUndefined();
    const config = RunConfigSchema.parse(configFromForm({ ...base, variants: ['int8', 'fp16'], candidateContext: 'paragraph' }, XQUAD).config);
    expect(config).toMatchObject({ variants: ['int8', 'fp16'], candidateContext: 'paragraph' });
    expect(formFromConfig(config, [])).toMatchObject({ variants: ['int8', 'fp16'], candidateContext: 'paragraph' });
  });

  it('names no languages when all are ticked, so that the config means all of them', () => {
    const built = configFromForm({ ...formFromConfig(undefined, ['/m']), langs: [...XQUAD] }, XQUAD);
    expect(built.config?.dataset).toEqual({ name: 'xquad-r' });
  });

  it('says what is wrong instead of building a config', () => {
    const form = { ...formFromConfig(undefined, []), langs: [], minQueries: null, scenario: 'offline' as const, batchSizes: '1, x', threads: 1.5 };
    const built = configFromForm(form, XQUAD);
    expect(built.config).toBeNull();
    expect(built.errors).toEqual([
      'Choose at least one model.',
      'Choose at least one language.',
      'Threads must be a whole number of at least 1.',
      'Min queries is required.',
      'Batch sizes must be whole numbers of at least 1, separated by commas.',
    ]);
  });

  it('keeps the scenario parameters of offline and server runs', () => {
    const base = { ...formFromConfig(undefined, ['/m']), langs: [...XQUAD] };
    expect(RunConfigSchema.parse(configFromForm({ ...base, scenario: 'offline', batchSizes: '1 8,32' }, XQUAD).config).scenario).toMatchObject({ kind: 'offline', batchSizes: [1, 8, 32] });
    expect(RunConfigSchema.parse(configFromForm({ ...base, scenario: 'server', targetQps: 40 }, XQUAD).config).scenario).toMatchObject({ kind: 'server', targetQps: 40 });
  });
});
