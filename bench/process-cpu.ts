import { readFileSync } from 'node:fs';

/** Linux reports process times in USER_HZ ticks, which is 100 per second on every architecture it supports. */
const MS_PER_TICK = 10;

/**
 * CPU time (user + system) a process has used so far, in ms, or null where there is no /proc (not Linux).
 * Time spent, unlike throughput, barely depends on what else the machine runs: it is the figure to compare stacks by.
 */
export function processCpuMs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
  } catch {
    return null;
  }
}
