/**
 * The scale-out run's CPU meter: `/proc/<pid>/stat` read right whatever the command name holds, a
 * process tree summed with the children it waited for, and a kind whose processes come and go.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';

import { describe, expect, it } from 'vitest';

import { CpuMeter, cpuRows, machineBusyMs, parseProcStat, treeCpuMs, type CpuSource, type ProcStat } from '../../cluster/cpu.js';

/** A stat line as Linux writes it (fields 1–22), with the given command name and times in ticks. */
const statLine = (pid: number, comm: string, t: { ppid: number; utime: number; stime: number; cutime: number; cstime: number; start: number }) =>
  `${pid} (${comm}) S ${t.ppid} ${pid} ${pid} 0 -1 4194560 1234 0 0 0 ${t.utime} ${t.stime} ${t.cutime} ${t.cstime} 20 0 11 0 ${t.start} 1163264000 12345 ...`;

describe('reading /proc', () => {
  it('parses a stat line whose command name holds spaces and ")" from the last ")"', () => {
    const line = statLine(4242, 'node (worker) x) y', { ppid: 17, utime: 150, stime: 50, cutime: 30, cstime: 20, start: 987654 });
    expect(parseProcStat(line, 100)).toEqual({ pid: 4242, ppid: 17, startTicks: 987654, cpuMs: 2_500 });
  });

  it('counts the machine busy but for idle and iowait, guest time once (it is inside user)', () => {
    const procStat = 'cpu  100 10 50 1000 40 5 5 2 30 0\ncpu0 50 5 25 500 20 2 2 1 15 0\n';
    expect(machineBusyMs(procStat, 100)).toBe(1_720);
  });

  it('sums a process tree: a busy child while it lives, then through cutime once it was waited for', async () => {
    const before = treeCpuMs(process.pid);
    // Busy until the child itself has used 400 ms of CPU (not of wall time: the machine may be busy), then idle.
    const child = spawn(
      process.execPath,
      ['-e', 'while (process.cpuUsage().user + process.cpuUsage().system < 400e3); console.log("done"); setInterval(() => {}, 1e3)'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await once(child.stdout!, 'data');
    const live = treeCpuMs(process.pid);
    expect(live - before).toBeGreaterThanOrEqual(350);
    expect(treeCpuMs(child.pid!)).toBeGreaterThanOrEqual(350);

    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(treeCpuMs(child.pid!)).toBeNaN();
    expect(treeCpuMs(process.pid) - before).toBeGreaterThanOrEqual(350);
  }, 60_000);
});

/** A fake `/proc`: the processes of each sample in turn, each `[pid, ppid, cpuMs]`, started at tick `pid`. */
function fakeSource(samples: Array<Array<[number, number, number]>>): CpuSource & { next(): void } {
  let i = 0;
  return {
    stats: () => new Map(samples[i]!.map(([pid, ppid, cpuMs]): [number, ProcStat] => [pid, { pid, ppid, startTicks: pid, cpuMs }])),
    machineBusyMs: () => 1_000 * i,
    runnerMs: () => 100 * i,
    now: () => 1_000 * i,
    next: () => void (i += 1),
  };
}

describe('the CPU meter', () => {
  it("keeps a dead root's last sample, counts a later root from zero and a root's children with it", () => {
    // Worker 7 (with a child 70) dies after the second sample; worker 8 takes its slot.
    const source = fakeSource([
      [
        [7, 1, 100],
        [70, 7, 10],
      ],
      [
        [7, 1, 250],
        [70, 7, 30],
      ],
      [[8, 1, 40]],
      [[8, 1, 90]],
    ]);
    let slot = 7;
    const meter = new CpuMeter([{ name: 'workers', roots: () => [slot], size: 1 }], { source, intervalMs: 60_000 });
    meter.start();
    source.next();
    meter.sample();
    source.next();
    slot = 8;
    meter.sample();
    source.next();
    meter.stop();
    expect(meter.totals()).toEqual({
      elapsedMs: 3_000,
      groups: [{ name: 'workers', ms: 250 + 30 - 110 + 90, size: 1, roots: 2, ended: 1 }],
      runnerMs: 300,
      machineMs: 3_000,
    });
  });

  it('prints CPU per request per kind above idle, the idle share, and the cores a rate needs, the runner left out', () => {
    const totals = {
      elapsedMs: 100_000,
      groups: [
        { name: 'Temporal server', ms: 12_000, roots: 2, ended: 1 },
        { name: 'workers', ms: 15_000, size: 3, roots: 4, ended: 1 },
      ],
      runnerMs: 3_000,
      machineMs: 170_000,
    };
    // Idle: the server burns 20 ms/s, the workers 30 ms/s (2,000 and 3,000 ms of the 100 s window).
    const idle = {
      elapsedMs: 10_000,
      groups: [
        { name: 'Temporal server', ms: 200, roots: 1, ended: 0 },
        { name: 'workers', ms: 300, size: 3, roots: 3, ended: 0 },
      ],
      runnerMs: 0,
      machineMs: 900,
    };
    const [perRequest, idleRow, cores] = cpuRows(totals, 100, 50, idle, 2);
    expect(perRequest).toMatchObject({ figure: 'CPU per request (ms)', value: '250 ms' });
    expect(perRequest!.note).toContain('above idle: Temporal server 100, workers 120 (3), runner 30');
    expect(perRequest!.note).toContain('machine-wide 1,700 ms/request all in over 100 s (1.7 of 2 cores busy)');
    expect(perRequest!.note).toContain('2 processes ended');
    expect(idleRow).toMatchObject({ figure: 'CPU with nothing arriving', value: '0.05 cores' });
    expect(idleRow!.note).toContain('Temporal server 20 ms/s, workers 30 ms/s');
    // 0.05 idle cores + 50/s × 220 ms.
    expect(cores).toMatchObject({ figure: 'cores for 50 requests/s', value: '11.05' });
    expect(cores!.note).toContain('this machine has 2');
  });

  it('without an idle measurement, counts all CPU to the requests', () => {
    const totals = { elapsedMs: 100_000, groups: [{ name: 'workers', ms: 15_000, size: 3, roots: 3, ended: 0 }], runnerMs: 0, machineMs: 0 };
    const rows = cpuRows(totals, 100, 50, null, 2);
    expect(rows.map((r) => r.figure)).toEqual(['CPU per request (ms)', 'cores for 50 requests/s']);
    expect(rows[1]).toMatchObject({ value: '7.5' });
  });
});
