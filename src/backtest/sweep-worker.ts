import { parentPort } from 'node:worker_threads';
import type { BacktestConfigInput } from './engine.js';
import type { ResearchData } from './prepare.js';
import { runSweepPoint, type SweepPoint, type SweepScope } from './sweep.js';

/** A sweep worker: receives the shared research data once, then backtests points one at a time. */
interface State {
  research: Record<string, ResearchData>;
  base: BacktestConfigInput;
  dataDigest: string;
  scope: SweepScope;
}
type Message = ({ type: 'init' } & State) | { type: 'point'; index: number; point: SweepPoint };

let state: State | undefined;

parentPort?.on('message', (message: Message) => {
  if (message.type === 'init') {
    state = message;
    return;
  }
  if (!state) throw new Error('sweep worker: a point arrived before the data');
  const research = state.research[String(message.point.weekday)]!;
  const row = runSweepPoint(research, message.point, state.base, state.dataDigest, state.scope);
  parentPort?.postMessage({ type: 'row', index: message.index, row });
});
