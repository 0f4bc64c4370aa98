/**
 * The speed-up this machine gives two worker threads at all, right now: a pure-CPU loop (no memory
 * traffic, no allocation, so no GC) run as one worker doing two units of work and as two workers doing
 * one unit each. On two free cores that is 2.00x; below it are the hypervisor (two vCPUs that are not
 * two whole cores) and whatever else runs on the machine. The sweep's speed-up is judged against it.
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';

// Plain CommonJS evaluated in the worker: nothing to load, so the figure is the loop alone. It also
// reports the loop's own on-CPU time (Linux), which waiting for a core does not inflate but a vCPU
// slowed by its sibling's work (a hypervisor's shared core) does.
const LOOP = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const onCpu = () => {
  try { return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6; }
  catch { return Number.NaN; }
};
const start = onCpu();
let x = 1;
let sum = 0;
for (let i = 0; i < workerData.iterations; i++) {
  x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
  sum += Math.sqrt((x >>> 0) + i);
}
parentPort.postMessage({ sum, cpuMs: onCpu() - start });
`;

/**
 * Wall time of `workers` threads each running `iterations` loop steps, ms (start-up included), and
 * the loops' on-CPU time in all.
 */
async function timeLoops(workers: number, iterations: number): Promise<{ wall: number; cpu: number }> {
  const start = performance.now();
  const cpu = await Promise.all(
    Array.from(
      { length: workers },
      () =>
        new Promise<number>((resolve, reject) => {
          const worker = new Worker(LOOP, { eval: true, workerData: { iterations } });
          worker.once('message', (reply: { cpuMs: number }) => resolve(reply.cpuMs));
          worker.once('error', reject);
        }),
    ),
  );
  return { wall: performance.now() - start, cpu: cpu.reduce((a, b) => a + b, 0) };
}

export interface Ceiling {
  oneMs: number;
  twoMs: number;
  speedUp: number;
  /**
   * On-CPU time of the same work with two workers over one (1.00 = each vCPU as fast with the other
   * busy; NaN off Linux). Load-independent where the wall figures are not.
   */
  cpuInflation: number;
}

/** Loop steps that take about `targetMs` on one thread of this machine (measured once). */
let calibrated: number | undefined;
async function unitFor(targetMs: number): Promise<number> {
  if (calibrated === undefined) {
    const probe = 20_000_000;
    await timeLoops(1, probe); // warm the worker start-up path
    const ms = (await timeLoops(1, probe)).wall;
    calibrated = Math.max(probe, Math.round((probe * targetMs) / Math.max(ms, 1)));
  }
  return calibrated;
}

/** One worker with two units of work against two workers with one unit each. */
export async function measureCeiling(unitMs = 400): Promise<Ceiling> {
  const unit = await unitFor(unitMs);
  const one = await timeLoops(1, 2 * unit);
  const two = await timeLoops(2, unit);
  return { oneMs: one.wall, twoMs: two.wall, speedUp: one.wall / two.wall, cpuInflation: two.cpu / one.cpu };
}
