import { describe, expect, it } from 'vitest';
import { parseNvidiaSmi } from '../../main/engine/machine/machine-profile.ts';

describe('parseNvidiaSmi', () => {
  it('reads the extended query: memory, driver, current and maximum clocks, compute capability, performance state', () => {
    expect(parseNvidiaSmi('NVIDIA H100 80GB HBM3, 81559, 550.54.15, 345, 2619, 1980, 2619, 9.0, P8\n')).toEqual([
      { name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559, driver: '550.54.15', smClockMHz: 345, memClockMHz: 2619, smMaxClockMHz: 1980, memMaxClockMHz: 2619, computeCapability: '9.0', pstate: 'P8' },
    ]);
  });

  it('reads the basic query older drivers answer, one GPU per line, and [N/A] as unknown', () => {
    expect(parseNvidiaSmi('Tesla T4, 15360, 470.82.01, 585, 5000\nTesla T4, 15360, 470.82.01, [N/A], [N/A]\n')).toEqual([
      { name: 'Tesla T4', memoryMiB: 15360, driver: '470.82.01', smClockMHz: 585, memClockMHz: 5000 },
      { name: 'Tesla T4', memoryMiB: 15360, driver: '470.82.01', smClockMHz: null, memClockMHz: null },
    ]);
  });
});
