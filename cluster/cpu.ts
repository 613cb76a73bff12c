/**
 * What one request costs in CPU, per process kind, measured from Linux `/proc` over a window of the
 * scale-out run. A kind (the Temporal server, PostgreSQL, the workers, the intakes) is a set of root
 * processes that changes as processes are killed and started again; each root counts with its live
 * descendants (PostgreSQL's backends) and, through cutime/cstime, the children it waited for. The
 * runner process counts apart (`process.cpuUsage()`), and the whole machine's busy time is taken
 * beside it as a cross-check.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

import { procStatFields, ticksPerSecond } from '../bench/support/stack.js';
import { fmt, infoRow, type Row } from '../bench/support/stats.js';

/** One process as `/proc/<pid>/stat` shows it. */
export interface ProcStat {
  pid: number;
  ppid: number;
  /** When it started, in clock ticks after boot: with the pid, the process's identity (pids are reused). */
  startTicks: number;
  /** utime + stime + cutime + cstime in ms: its own CPU (all threads) and that of the children it waited for. */
  cpuMs: number;
}

/**
 * Parses a `/proc/<pid>/stat` line (fields 14–17 are utime, stime, cutime, cstime, in clock ticks).
 * @example parseProcStat('42 (my (odd) name) S 1 42 ...').ppid // 1
 */
export function parseProcStat(line: string, ticks = ticksPerSecond()): ProcStat {
  const fields = procStatFields(line);
  const field = (n: number) => Number(fields[n - 3]);
  return {
    pid: Number.parseInt(line, 10),
    ppid: field(4),
    startTicks: field(22),
    cpuMs: ((field(14) + field(15) + field(16) + field(17)) * 1000) / ticks,
  };
}

/** Every live process by pid (one that ends while the list is read is left out). */
export function readProcStats(): Map<number, ProcStat> {
  const ticks = ticksPerSecond();
  const stats = new Map<number, ProcStat>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = parseProcStat(readFileSync(`/proc/${name}/stat`, 'utf8'), ticks);
      stats.set(stat.pid, stat);
    } catch {
      // Gone between the listing and the read.
    }
  }
  return stats;
}

function childrenOf(stats: Map<number, ProcStat>): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const { pid, ppid } of stats.values()) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  return children;
}

function sumTree(rootPid: number, stats: Map<number, ProcStat>, children: Map<number, number[]>): number {
  let total = 0;
  const queue = [rootPid];
  for (let pid = queue.pop(); pid !== undefined; pid = queue.pop()) {
    total += stats.get(pid)?.cpuMs ?? 0;
    queue.push(...(children.get(pid) ?? []));
  }
  return total;
}

/**
 * CPU of `rootPid` and all its live descendants, in ms (NaN when the root is not running). A child
 * that exited and was waited for is in its parent's cutime/cstime and no longer live, so summing the
 * four times over live processes never counts one twice.
 * @example treeCpuMs(postmasterPid) // PostgreSQL: the postmaster, its backends, those that ended
 */
export function treeCpuMs(rootPid: number, stats: Map<number, ProcStat> = readProcStats()): number {
  return stats.has(rootPid) ? sumTree(rootPid, stats, childrenOf(stats)) : Number.NaN;
}

/**
 * Busy time of the whole machine since boot, all CPUs, in ms: the first line of `/proc/stat` but
 * idle and iowait (guest time is already inside user and nice, so it is not added again).
 */
export function machineBusyMs(procStat: string = readFileSync('/proc/stat', 'utf8'), ticks = ticksPerSecond()): number {
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = procStat.split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return ((user + nice + system + irq + softirq + steal) * 1000) / ticks;
}

/** A process kind: its current root pids, asked at every sample (they change with kills and restarts); null: none now. */
export interface CpuGroup {
  name: string;
  roots: () => Iterable<number | null>;
  /** How many run at a time, shown beside its figure. */
  size?: number;
}

/** Where the meter reads; `/proc` and this process by default, a fake in tests. */
export interface CpuSource {
  stats(): Map<number, ProcStat>;
  machineBusyMs(): number;
  /** This process's CPU (user + system, all threads) in ms. */
  runnerMs(): number;
  now(): number;
}

export const procSource: CpuSource = {
  stats: readProcStats,
  machineBusyMs: () => machineBusyMs(),
  runnerMs: () => {
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1000;
  },
  now: () => Date.now(),
};

/** CPU over the window, in ms. */
export interface CpuTotals {
  elapsedMs: number;
  groups: Array<{ name: string; ms: number; size?: number; roots: number; ended: number }>;
  runnerMs: number;
  machineMs: number;
}

interface Root {
  pid: number;
  startTicks: number;
  baseline: number;
  last: number;
  ended: boolean;
}

/**
 * Samples each group's processes every `intervalMs` between `start()` and `stop()`. A root seen at
 * the first sample counts from its value then; one seen later was born inside the window and counts
 * from zero. A root that disappears keeps its last sample: whatever it used after that (at most one
 * interval) is not counted.
 * @example
 * const meter = new CpuMeter([{ name: 'PostgreSQL', roots: () => [postmasterPid] }]);
 * meter.start(); ...; meter.stop(); meter.totals().groups[0].ms
 */
export class CpuMeter {
  private readonly roots: Array<Map<string, Root>>;
  private timer: NodeJS.Timeout | null = null;
  private first: { at: number; runner: number; machine: number } | null = null;
  private last: { at: number; runner: number; machine: number } | null = null;

  constructor(
    private readonly groups: CpuGroup[],
    private readonly opts: { intervalMs?: number; source?: CpuSource } = {},
  ) {
    this.roots = groups.map(() => new Map());
  }

  private get source(): CpuSource {
    return this.opts.source ?? procSource;
  }

  /** Takes the first sample and keeps sampling until `stop()`. */
  start(): void {
    if (this.first) return;
    this.sample();
    this.timer = setInterval(() => this.sample(), this.opts.intervalMs ?? 1_000);
    this.timer.unref();
  }

  /** Reads every group's roots once (the interval calls it; tests may too). */
  sample(): void {
    const stats = this.source.stats();
    const children = childrenOf(stats);
    const at = { at: this.source.now(), runner: this.source.runnerMs(), machine: this.source.machineBusyMs() };
    const firstSample = this.first === null;
    this.groups.forEach((group, i) => {
      const known = this.roots[i]!;
      for (const root of known.values()) {
        if (root.ended) continue;
        if (stats.get(root.pid)?.startTicks === root.startTicks) root.last = sumTree(root.pid, stats, children);
        else root.ended = true;
      }
      for (const pid of group.roots()) {
        const stat = pid === null ? undefined : stats.get(pid);
        if (pid === null || !stat || known.has(`${pid}@${stat.startTicks}`)) continue;
        const now = sumTree(pid, stats, children);
        known.set(`${pid}@${stat.startTicks}`, { pid, startTicks: stat.startTicks, baseline: firstSample ? now : 0, last: now, ended: false });
      }
    });
    this.first ??= at;
    this.last = at;
  }

  /** Takes a last sample and stops; idempotent. */
  stop(): void {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = null;
    this.sample();
  }

  /** CPU per group, of the runner and of the machine between the first sample and the latest. */
  totals(): CpuTotals {
    const span = (pick: (s: { at: number; runner: number; machine: number }) => number) => (this.first && this.last ? pick(this.last) - pick(this.first) : 0);
    return {
      elapsedMs: span((s) => s.at),
      groups: this.groups.map((group, i) => {
        const roots = [...this.roots[i]!.values()];
        return {
          name: group.name,
          ms: roots.reduce((sum, r) => sum + r.last - r.baseline, 0),
          ...(group.size === undefined ? {} : { size: group.size }),
          roots: roots.length,
          ended: roots.filter((r) => r.ended).length,
        };
      }),
      runnerMs: span((s) => s.runner),
      machineMs: span((s) => s.machine),
    };
  }
}

/**
 * The table's rows: CPU per request (the groups and the runner, then the machine as a cross-check),
 * what the processes burn with nothing arriving (`idle`: the same groups metered before the load),
 * and the cores `rate` requests a second would take: that idle share, plus `rate` times the CPU per
 * request above it. The runner is left out of the cores (its emulators and driver stand in for
 * Slack, GitLab and people).
 */
export function cpuRows(totals: CpuTotals, requests: number, rate: number, idle: CpuTotals | null, cores = availableParallelism()): Row[] {
  const per = (ms: number) => ms / requests;
  const idleShare = (name: string) => {
    const g = idle?.groups.find((x) => x.name === name);
    return g && idle!.elapsedMs > 0 ? g.ms / idle!.elapsedMs : 0;
  };
  // Each group's CPU above its idle rate, over the window.
  const busy = totals.groups.map((g) => ({ ...g, net: Math.max(0, g.ms - idleShare(g.name) * totals.elapsedMs) }));
  const runnerNet = Math.max(0, totals.runnerMs - (idle && idle.elapsedMs > 0 ? idle.runnerMs / idle.elapsedMs : 0) * totals.elapsedMs);
  const tierflowNet = busy.reduce((sum, g) => sum + g.net, 0);
  const idleCores = totals.groups.reduce((sum, g) => sum + idleShare(g.name), 0);
  const ended = totals.groups.reduce((sum, g) => sum + g.ended, 0);
  const seconds = totals.elapsedMs / 1000;
  const groups = busy.map((g) => `${g.name} ${fmt(per(g.net), 0)}${g.size === undefined ? '' : ` (${g.size})`}`);
  const rows: Row[] = [
    infoRow(
      'CPU per request (ms)',
      `${fmt(per(tierflowNet + runnerNet), 0)} ms`,
      `above idle: ${groups.join(', ')}, runner ${fmt(per(runnerNet), 0)} (emulators + load + lifecycle driver); ` +
        `machine-wide ${fmt(per(totals.machineMs), 0)} ms/request all in over ${fmt(seconds, 0)} s (${fmt(totals.machineMs / totals.elapsedMs)} of ${cores} cores busy); ` +
        `${requests} accepted requests; ${ended === 1 ? '1 process' : `${ended} processes`} ended in the window, the last second of each not counted`,
    ),
  ];
  if (idle) {
    rows.push(
      infoRow(
        'CPU with nothing arriving',
        `${fmt(idleCores, 2)} cores`,
        `${idle.groups.map((g) => `${g.name} ${fmt(idleShare(g.name) * 1000, 0)} ms/s`).join(', ')}, metered for ${fmt(idle.elapsedMs / 1000, 0)} s before the load (pollers, timers, the server's own loops)`,
      ),
    );
  }
  rows.push(
    infoRow(
      `cores for ${rate} requests/s`,
      fmt(idleCores + (rate * per(tierflowNet)) / 1000, 2),
      `${idle ? `the ${fmt(idleCores, 2)} idle cores + ` : ''}${rate}/s × the ${fmt(per(tierflowNet), 0)} ms per request this run measured in the server, PostgreSQL, workers and intakes; ` +
        `the runner's share is left out (its emulators and driver stand in for Slack, GitLab and people); this machine has ${cores}`,
    ),
  );
  return rows;
}
