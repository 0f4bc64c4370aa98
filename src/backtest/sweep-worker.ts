import { type PerformanceEntry, PerformanceObserver, performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import type { BacktestConfig } from './engine.js';
import {
  type PointResearch,
  runPoint,
  ScoreCache,
  type SweepPoint,
  type SweepScope,
  type WorkerReply,
} from './sweep-point.js';

/**
 * A sweep worker: receives a sweep's shared research data, then backtests its points one at a time,
 * each with its parsed config. A pooled worker serves one sweep after another: each starts with 'init'.
 */
interface State {
  research: Record<string, PointResearch>;
  scope: SweepScope;
}
type Message =
  | ({ type: 'init' } & State)
  | { type: 'done' }
  | { type: 'point'; index: number; point: SweepPoint; config: BacktestConfig };

let state: State | undefined;
let cache = new ScoreCache();
// Summed over this sweep's points in this worker; each reply carries the totals so far.
let times = { total: 0, scores: 0, hash: 0, gc: 0 };
// GC pauses of this thread, for the benchmark's breakdown: the observer's entries arrive after the
// fact, so each reply first takes the ones still pending.
const addGc = (entries: PerformanceEntry[]): void => {
  for (const entry of entries) times.gc += entry.duration;
};
const gcObserver = new PerformanceObserver((list) => addGc(list.getEntries()));
gcObserver.observe({ entryTypes: ['gc'] });

const reply = (message: WorkerReply): void => parentPort?.postMessage(message);

parentPort?.on('message', (message: Message) => {
  if (message.type === 'init') {
    state = message;
    // The cache's keys leave out the data and scope, which only a sweep fixes.
    cache = new ScoreCache();
    times = { total: 0, scores: 0, hash: 0, gc: 0 };
    gcObserver.takeRecords(); // pauses before this sweep are not its own
    return;
  }
  if (message.type === 'done') {
    // Back in the pool: the sweep's data and scores are let go while it waits for the next sweep.
    state = undefined;
    cache = new ScoreCache();
    return;
  }
  if (!state) throw new Error('sweep worker: a point arrived before the data');
  const research = state.research[String(message.point.weekday)]!;
  const outcome = runPoint(research, message.point, message.config, state.scope, cache, times);
  addGc(gcObserver.takeRecords());
  reply({ type: 'row', index: message.index, outcome, times });
});
// Modules loaded, ready for the data: the pool's start-up figure (an absolute time, comparable across threads).
reply({ type: 'ready', at: performance.timeOrigin + performance.now() });
