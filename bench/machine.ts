import { readFile } from 'node:fs/promises';
import { cpus, platform, release, totalmem } from 'node:os';

/** The machine a run was made on, for its results; Postgres's and Redis's versions once they answer. */
export interface Machine {
  cpus: number;
  cpuModel: string;
  totalMemoryMb: number;
  platform: string;
  release: string;
  node: string;
  postgres: string | null;
  redis: string | null;
}

export function describeMachine(): Machine {
  const cpuList = cpus();
  return {
    cpus: cpuList.length,
    cpuModel: cpuList[0]?.model.trim() ?? '?',
    totalMemoryMb: Math.round(totalmem() / 2 ** 20),
    platform: platform(),
    release: release(),
    node: process.version,
    postgres: null,
    redis: null,
  };
}

export interface CpuTicks {
  busy: number;
  total: number;
}

/** The machine's CPU time so far, from the first line of /proc/stat; null without /proc. */
export async function machineCpuTicks(): Promise<CpuTicks | null> {
  try {
    const [line] = (await readFile('/proc/stat', 'utf8')).split('\n');
    // cpu user nice system idle iowait irq softirq steal guest guest_nice; guests are already in user.
    const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
    if (ticks.length < 8 || ticks.some((tick) => !Number.isFinite(tick))) return null;
    const total = ticks.reduce((sum, tick) => sum + tick, 0);
    const idle = ticks[3] + ticks[4];
    return { busy: total - idle, total };
  } catch {
    return null;
  }
}

/** The share of all CPUs that was busy between two readings, 0 to 1. */
export function busyShare(before: CpuTicks | null, after: CpuTicks | null): number | null {
  if (!before || !after || after.total <= before.total) return null;
  return Math.round(((after.busy - before.busy) / (after.total - before.total)) * 1000) / 1000;
}
