// The inputs issue 12 found exhausting the machine, each run through `xlir run` under a watchdog
// that kills it past a memory or time cap (so the old behaviour can be measured without waking the
// kernel's out-of-memory killer): exit status, first line of standard error, peak RSS, wall and CPU
// time. Run it against this checkout, and against an older one for the figures before a fix:
// The model is the bundled baseline, native-models/default/xlir-bridge-baseline, by default (the
// subject is the engine's handling of the inputs, not a graph): a dictionary bridge whose
// sentence_embedding output is [batch, 4096] (pooling none), so a huge batch's output alone is
// 16 KB a text (the former xlir-mini baseline's [batch, seq, 128] states were 512 B a token): peak
// RSS figures are not comparable with ones taken on it. An older checkout's xlir may not load the
// bridge (pass --model with a model it knows). Prints the model first.
//   node bench/bad-inputs.ts [--xlir PATH/main/cli/xlir.mjs] [--model DIR] [--rss-cap-mb 3000] [--time-cap-s 30]
// Not a test (test/run/option-bounds.test.ts and test/cli/* are): it prints what it measured.
import { spawn } from 'node:child_process';
import { closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatTable } from '../main/cli/terminal.ts';
import { benchModelDir, bundledBaselineDir, modelLine } from './bench-models.ts';

const repoRoot = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    xlir: { type: 'string', default: path.join(repoRoot, 'main/cli/xlir.mjs') },
    model: { type: 'string' },
    'rss-cap-mb': { type: 'string', default: '3000' },
    'time-cap-s': { type: 'string', default: '30' },
    only: { type: 'string' },
  },
});
const rssCapBytes = Number(values['rss-cap-mb']) * 2 ** 20;
const timeCapMs = Number(values['time-cap-s']) * 1000;
const dataDir = process.env.XLIR_DATA_DIR ?? path.resolve(repoRoot, '../shared/data');
const model = await benchModelDir(values.model, bundledBaselineDir);
process.stdout.write(`${await modelLine(model)}\n`);

// A data folder whose xquad-r/en.json is 600 MB of zero bytes (sparse: it takes no disk).
const zeros = mkdtempSync(path.join(os.tmpdir(), 'xlir-zeros-'));
mkdirSync(path.join(zeros, 'xquad-r'));
const fd = openSync(path.join(zeros, 'xquad-r', 'en.json'), 'w');
ftruncateSync(fd, 600 * 2 ** 20);
closeSync(fd);

const common = ['--model', model, '--data-dir', dataDir, '--warmup', '2', '--min-queries', '20', '--min-duration', '0', '--no-roofline', '--no-lexical-floor', '--no-history'];
const quick = [...common, '--langs', 'en,de', '--max-queries', '20'];
const CASES: { name: string; args: string[] }[] = [
  { name: '--threads 100000', args: [...quick, '--no-quality', '--threads', '100000'] },
  { name: '--scenario offline --batch-sizes 100000', args: [...quick, '--no-quality', '--scenario', 'offline', '--batch-sizes', '100000'] },
  { name: '--scenario server --target-qps 0.000001', args: [...quick, '--no-quality', '--scenario', 'server', '--target-qps', '0.000001'] },
  // All eleven languages: the whole candidate pool (about 13,000 sentences) in one batch.
  { name: '--encode-batch 1000000', args: [...common, '--max-queries', '2', '--encode-batch', '1000000'] },
  { name: '--max-queries -1', args: [...quick, '--max-queries', '-1'] },
  { name: 'xquad-r/en.json of 600 MB of zero bytes', args: ['--model', model, '--data-dir', zeros, '--langs', 'en', '--no-history', '--no-roofline', '--no-lexical-floor'] },
];

function rssOf(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in USER_HZ (100 on Linux)
  } catch {
    return 0;
  }
}

async function measure(args: string[]) {
  const home = mkdtempSync(path.join(os.tmpdir(), 'xlir-bad-home-'));
  const child = spawn(process.execPath, [values.xlir!, 'run', ...args], { env: { ...process.env, XLIR_HOME: home }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c));
  const started = Date.now();
  let peak = 0;
  let cpu = 0;
  let killed = '';
  const watch = setInterval(() => {
    const rss = rssOf(child.pid!);
    peak = Math.max(peak, rss);
    cpu = Math.max(cpu, cpuSecondsOf(child.pid!));
    if (rss > rssCapBytes && !killed) {
      killed = `killed at ${(rss / 2 ** 20).toFixed(0)} MB`;
      child.kill('SIGKILL');
    } else if (Date.now() - started > timeCapMs && !killed) {
      killed = `killed after ${timeCapMs / 1000} s`;
      child.kill('SIGKILL');
    }
  }, 50);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  clearInterval(watch);
  const lines = stderr.split('\n').filter((l) => l.trim() && !/^See "xlir help"/.test(l));
  const message = lines.find((l) => /^xlir |Error|Warning/.test(l)) ?? lines.at(-1) ?? '';
  return { code: killed || String(code), message: message.slice(0, 200), peakMb: (peak / 2 ** 20).toFixed(0), wallS: ((Date.now() - started) / 1000).toFixed(1), cpuS: cpu.toFixed(1) };
}

const rows: (string | number)[][] = [];
for (const c of CASES.filter((c) => values.only === undefined || c.name.includes(values.only))) {
  const r = await measure(c.args);
  rows.push([c.name, r.code, r.peakMb, r.wallS, r.cpuS, r.message]);
  process.stderr.write(`${c.name}: ${r.code}, ${r.peakMb} MB, ${r.wallS} s\n`);
}
process.stdout.write(`${formatTable(['input', 'exit', 'peak RSS MB', 'wall s', 'CPU s', 'message'], rows)}\n`);
process.stdout.write(`(caps: ${values['rss-cap-mb']} MB RSS, ${values['time-cap-s']} s; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.availableParallelism()} cores)\n`);
