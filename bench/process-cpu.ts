import { readdirSync, readFileSync } from 'node:fs';

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

export type ThreadCpu = { work: number; gc: number; jit: number; other: number };

/**
 * CPU time of a JVM's threads by what they do, in ms: `work` the threads that serve queries (Neo4j's Bolt workers
 * and network threads), `gc` the garbage collector's, `jit` the JIT compilers' (busy for minutes after a start, idle
 * once warm), `other` the rest (checkpoints, index sampling). Null where there is no /proc.
 */
export function jvmThreadCpuMs(pid: number): ThreadCpu | null {
  try {
    const cpu: ThreadCpu = { work: 0, gc: 0, jit: 0, other: 0 };
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
      const ms = (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
      const kind = name.startsWith('neo4j.Bolt') ? 'work' : /^(GC Thread|G1 )/.test(name) ? 'gc' : /^(C1 |C2 |Sweeper)/.test(name) ? 'jit' : 'other';
      cpu[kind] += ms;
    }
    return cpu;
  } catch {
    return null;
  }
}
