import { readFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';

export interface Machine {
  readonly cpus: number;
  readonly model: string;
  readonly node: string;
  readonly memoryGiB: number;
}

/** `nproc`, the CPU model from /proc/cpuinfo, Node's version and the memory size. */
export function machine(): Machine {
  let model = 'unknown';
  try {
    model = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? model;
  } catch {
    // not Linux: keep "unknown"
  }
  return {
    cpus: availableParallelism(),
    model,
    node: process.version,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
  };
}
