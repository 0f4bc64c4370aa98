import { type PerformanceEntry, PerformanceObserver, performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import type { BacktestConfigInput } from './engine.js';
import {
  type PointResearch,
  runPoint,
  ScoreCache,
  type SweepPoint,
  type SweepScope,
  type WorkerReply,
} from './sweep.js';

/** A sweep worker: receives the shared research data once, then backtests points one at a time. */
interface State {
  research: Record<string, PointResearch>;
  base: BacktestConfigInput;
  dataDigest: string;
  scope: SweepScope;
}
type Message = ({ type: 'init' } & State) | { type: 'point'; index: number; point: SweepPoint };

let state: State | undefined;
const cache = new ScoreCache();
// Summed over this worker's points; each reply carries the totals so far.
const times = { total: 0, scores: 0, hash: 0, gc: 0 };
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
    return;
  }
  if (!state) throw new Error('sweep worker: a point arrived before the data');
  const research = state.research[String(message.point.weekday)]!;
  const row = runPoint(research, message.point, state.base, state.dataDigest, state.scope, cache, times);
  addGc(gcObserver.takeRecords());
  reply({ type: 'row', index: message.index, row, times });
});
// Modules loaded, ready for the data: the pool's start-up figure (an absolute time, comparable across threads).
reply({ type: 'ready', at: performance.timeOrigin + performance.now() });
