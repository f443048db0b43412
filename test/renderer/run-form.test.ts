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
    expect(config.scenario).toEqual({ kind: 'single-stream', warmupQueries: 5, minQueries: 60, minDurationMs: 500, rounds: 20 });
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

  it('passes the comparisons chosen (--pair), and none when left to the models', () => {
    const base = { ...formFromConfig(undefined, ['/m/base', '/m/hybrid', '/m/other']), langs: [...XQUAD] };
    expect(RunConfigSchema.parse(configFromForm(base, XQUAD).config).pairs).toBeUndefined();
    const pairs = [
      { baseline: '/m/hybrid', candidate: '/m/base' },
      { baseline: '/m/base', candidate: '/m/other' },
    ];
    const config = RunConfigSchema.parse(configFromForm({ ...base, pairs }, XQUAD).config);
    expect(config.pairs).toEqual(pairs);
    expect(formFromConfig(config, []).pairs).toEqual(pairs);
  });

  it('refuses a comparison of a model not chosen, or of a model with itself', () => {
    const base = { ...formFromConfig(undefined, ['/m/base', '/m/hybrid']), langs: [...XQUAD] };
    expect(configFromForm({ ...base, pairs: [{ baseline: '/m/base', candidate: '/m/gone' }] }, XQUAD).errors).toEqual(['Comparison 1: both of its models must be among the models chosen.']);
    expect(configFromForm({ ...base, pairs: [{ baseline: '/m/base', candidate: '/m/hybrid' }, { baseline: '/m/hybrid', candidate: '/m/hybrid' }] }, XQUAD).errors).toEqual(['Comparison 2: compares a model with itself (an A/A test is Calibrate).']);
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
      'Min queries is required.',
      'Batch sizes must be whole numbers of at least 1, separated by commas.',
      'Threads: must be a whole number, not 1.5',
    ]);
  });

  it('checks every number against the bounds the app checks, with the limits of the machine it runs on', () => {
    const limits = { machine: { cores: 4, availableMemoryBytes: 8 * 2 ** 30 }, models: [{ name: 'xlir-mini', maxLength: 128, hidden: 128 }] };
    const base = { ...formFromConfig(undefined, ['/m']), langs: [...XQUAD] };
    expect(configFromForm({ ...base, threads: 64, maxQueries: -1, seed: -3 }, XQUAD, limits).errors).toEqual([
      'Max queries: must be at least 1 (got -1)',
      'Threads: must be at most 4: this machine has 4 logical cores, and more threads only queue for them (got 64)',
      'Seed: must be at least 0 (got -3)',
    ]);
    expect(configFromForm({ ...base, scenario: 'server', targetQps: 0.000001 }, XQUAD, limits).errors).toEqual([
      'Target QPS: must be at least 0.1 queries/s: a query every 10 s on average; slower, a run is hours of waiting (got 0.000001 queries/s)',
    ]);
    expect(configFromForm({ ...base, scenario: 'offline', batchSizes: '1, 10000000' }, XQUAD, limits).errors).toEqual([
      expect.stringMatching(/^Batch sizes: must be at most \d+: a sequence of 128 tokens takes about 1 MiB of activations in xlir-mini/),
    ]);
    expect(configFromForm({ ...base, minDurationS: 3600, threads: 4 }, XQUAD, limits).errors).toEqual([expect.stringMatching(/^Min duration: must be at most 600 s/)]);
    expect(configFromForm({ ...base, threads: 4 }, XQUAD, limits).errors).toEqual([]);
  });

  it('keeps the scenario parameters of offline and server runs', () => {
    const base = { ...formFromConfig(undefined, ['/m']), langs: [...XQUAD] };
    expect(RunConfigSchema.parse(configFromForm({ ...base, scenario: 'offline', batchSizes: '1 8,32' }, XQUAD).config).scenario).toMatchObject({ kind: 'offline', batchSizes: [1, 8, 32] });
    expect(RunConfigSchema.parse(configFromForm({ ...base, scenario: 'server', targetQps: 40 }, XQUAD).config).scenario).toMatchObject({ kind: 'server', targetQps: 40 });
  });
});
