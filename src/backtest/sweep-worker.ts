import { parentPort } from 'node:worker_threads';
import type { BacktestConfigInput } from './engine.js';
import type { ResearchData } from './prepare.js';
import { runSweepPoint, type SweepPoint } from './sweep.js';

/** A sweep worker: receives the shared research data once, then backtests points one at a time. */
type Message =
  | { type: 'init'; research: Record<string, ResearchData>; base: BacktestConfigInput; dataDigest: string }
  | { type: 'point'; index: number; point: SweepPoint };

let state:
  | { research: Record<string, ResearchData>; base: BacktestConfigInput; dataDigest: string }
  | undefined;

parentPort?.on('message', (message: Message) => {
  if (message.type === 'init') {
    state = message;
    return;
  }
  if (!state) throw new Error('sweep worker: a point arrived before the data');
  const research = state.research[String(message.point.weekday)]!;
  const row = runSweepPoint(research, message.point, state.base, state.dataDigest);
  parentPort?.postMessage({ type: 'row', index: message.index, row });
});
