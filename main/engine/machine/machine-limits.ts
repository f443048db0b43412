import os from 'node:os';

/** What the machine gives a run: the bounds of run options depend on it (run/option-bounds.ts). */
export interface MachineLimits {
  /** Logical cores (os.availableParallelism): more threads than this only queue for the same cores. */
  cores: number;
  /** Memory the process may still use (free memory, or what its cgroup leaves), in bytes. */
  availableMemoryBytes: number;
}

/**
 * This machine's limits now: its logical cores, and the memory this process may still use
 * (process.availableMemory: free memory, or the rest of a cgroup's limit where one is set, as in a
 * container). Taken when a configuration is checked, as free memory changes.
 */
export function currentMachineLimits(): MachineLimits {
  return { cores: os.availableParallelism(), availableMemoryBytes: process.availableMemory() };
}
