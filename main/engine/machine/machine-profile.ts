import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { createRequire } from 'node:module';
import { z } from 'zod';

/** CPU instruction-set extensions that change ONNX Runtime's kernels (and so latency). */
const INTERESTING_CPU_FLAGS = [
  'sse4_2', 'avx', 'avx2', 'fma', 'f16c', 'avx512f', 'avx512bw', 'avx512vl', 'avx512_vnni',
  'avx_vnni', 'avx512_bf16', 'amx_tile', 'amx_int8', 'amx_bf16', 'asimd', 'sve', 'i8mm', 'bf16',
] as const;

export const GpuSchema = z.object({
  name: z.string(),
  memoryMiB: z.number().nullable(),
  driver: z.string().nullable(),
  /** Clocks when the profile was taken: an idle GPU reports low ones, so the maxima say more. */
  smClockMHz: z.number().nullable(),
  memClockMHz: z.number().nullable(),
  /** Absent where the driver's nvidia-smi lacks these fields (and in profiles taken before them). */
  smMaxClockMHz: z.number().nullable().optional(),
  memMaxClockMHz: z.number().nullable().optional(),
  /** e.g. "8.0" (A100), "9.0" (H100): which kernels (tensor cores, fp16/bf16) exist. */
  computeCapability: z.string().nullable().optional(),
  /** Performance state, P0 (full speed) … P12 (idle). */
  pstate: z.string().nullable().optional(),
});

export const MachineProfileSchema = z.object({
  hostname: z.string(),
  os: z.object({ platform: z.string(), release: z.string(), arch: z.string() }),
  cpu: z.object({
    model: z.string(),
    logicalCores: z.number().int(),
    /** From /proc/cpuinfo where it exists; null elsewhere. */
    physicalCores: z.number().int().nullable(),
    flags: z.array(z.string()),
  }),
  memoryBytes: z.number(),
  gpus: z.array(GpuSchema),
  /** Why no GPU is listed, when none is (no nvidia-smi, or it failed). */
  gpuNote: z.string().optional(),
  software: z.object({ node: z.string(), onnxruntime: z.string(), v8: z.string() }),
});

export type MachineProfile = z.infer<typeof MachineProfileSchema>;
export type Gpu = z.infer<typeof GpuSchema>;

function run(command: string, args: string[], timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, encoding: 'utf8' }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}

function numberOrNull(text: string | undefined): number | null {
  const n = Number.parseFloat(text ?? '');
  return Number.isFinite(n) ? n : null;
}

const BASIC_GPU_FIELDS = 'name,memory.total,driver_version,clocks.sm,clocks.mem';
/** Older drivers refuse a query naming a field they lack (compute_cap came with 510): then the basic one is asked. */
const EXTENDED_GPU_FIELDS = `${BASIC_GPU_FIELDS},clocks.max.sm,clocks.max.mem,compute_cap,pstate`;

/** Parses `nvidia-smi --query-gpu=<BASIC or EXTENDED fields> --format=csv,noheader,nounits`. */
export function parseNvidiaSmi(csv: string): Gpu[] {
  return csv
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [name, memory, driver, sm, mem, smMax, memMax, computeCap, pstate] = line.split(',').map((s) => s.trim());
      const text = (v: string | undefined) => (v && v !== '[N/A]' ? v : null);
      return {
        name: name ?? 'unknown',
        memoryMiB: numberOrNull(memory),
        driver: driver || null,
        smClockMHz: numberOrNull(sm),
        memClockMHz: numberOrNull(mem),
        ...(smMax !== undefined && { smMaxClockMHz: numberOrNull(smMax), memMaxClockMHz: numberOrNull(memMax), computeCapability: text(computeCap), pstate: text(pstate) }),
      };
    });
}

export async function detectGpus(): Promise<{ gpus: Gpu[]; note?: string }> {
  const query = (fields: string) => run('nvidia-smi', [`--query-gpu=${fields}`, '--format=csv,noheader,nounits']);
  try {
    const out = await query(EXTENDED_GPU_FIELDS).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? Promise.reject(err) : query(BASIC_GPU_FIELDS)));
    return { gpus: parseNvidiaSmi(out) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { gpus: [], note: code === 'ENOENT' ? 'nvidia-smi not found: no NVIDIA driver on this machine' : `nvidia-smi failed: ${(err as Error).message.split('\n')[0]}` };
  }
}

/** Physical cores and flags from /proc/cpuinfo (Linux); null/empty where it is absent. */
async function readCpuInfo(): Promise<{ physicalCores: number | null; flags: string[] }> {
  let text: string;
  try {
    text = await readFile('/proc/cpuinfo', 'utf8');
  } catch {
    return { physicalCores: null, flags: [] };
  }
  const cores = new Set<string>();
  let physical = '0';
  let flags: string[] = [];
  for (const line of text.split('\n')) {
    const [key, value = ''] = line.split(':').map((s) => s.trim());
    if (key === 'physical id') physical = value;
    else if (key === 'core id') cores.add(`${physical}:${value}`);
    else if ((key === 'flags' || key === 'Features') && flags.length === 0) flags = value.split(/\s+/);
  }
  const wanted = new Set<string>(INTERESTING_CPU_FLAGS);
  return { physicalCores: cores.size || null, flags: flags.filter((f) => wanted.has(f)).sort() };
}

export function onnxRuntimeVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('onnxruntime-node/package.json') as { version: string }).version;
}

/** What a result needs to be interpreted on another machine: hardware and software, no personal data beyond the hostname. */
export async function captureMachineProfile(): Promise<MachineProfile> {
  const [cpuInfo, gpu] = await Promise.all([readCpuInfo(), detectGpus()]);
  const cpus = os.cpus();
  return {
    hostname: os.hostname(),
    os: { platform: os.platform(), release: os.release(), arch: os.arch() },
    cpu: { model: cpus[0]?.model.trim() ?? 'unknown', logicalCores: os.availableParallelism(), physicalCores: cpuInfo.physicalCores, flags: cpuInfo.flags },
    memoryBytes: os.totalmem(),
    gpus: gpu.gpus,
    ...(gpu.note ? { gpuNote: gpu.note } : {}),
    software: { node: process.versions.node, onnxruntime: onnxRuntimeVersion(), v8: process.versions.v8 },
  };
}
