import { systemClock } from '../core/clock.js';
import {
  createReplayMarket,
  createSimClock,
  createSyntheticMarket,
  defaultInstruments,
  loadInstrumentsFile,
} from './market/index.js';
import type { SimClock } from './ports.js';
import { type SimGatewayHandle, type SimGatewayOptions, startSimGateway } from './start.js';

export interface StandaloneSimOptions extends Omit<SimGatewayOptions, 'market' | 'clock'> {
  /** Universe file (JSON or CSV); defaults to the built-in universe. */
  universePath?: string;
  /** Replay stored daily bars from this folder instead of the synthetic model. */
  replayDir?: string;
  clockMode?: 'realtime' | 'accelerated' | 'stepped';
  /** Sim ms per wall ms in accelerated mode. */
  speed?: number;
  /** Sim time at start; defaults to now. */
  startMs?: number;
  /** A clock made by the caller (shared with the app, e.g. the demo's stepped clock); overrides the three above. */
  clock?: SimClock;
}

/**
 * Builds the market and clock from plain options and starts the gateway: what `ibloop sim` and the
 * demo's in-process gateway use.
 */
export async function startStandaloneSim(options: StandaloneSimOptions): Promise<SimGatewayHandle> {
  const { universePath, replayDir, clockMode, speed, startMs, clock: given, ...gatewayOptions } = options;
  const wall = gatewayOptions.wallClock ?? systemClock;
  const instruments = universePath ? loadInstrumentsFile(universePath, wall) : undefined;
  const seed = gatewayOptions.seed ?? 1;
  const market = replayDir
    ? createReplayMarket({ dir: replayDir, instruments, seed })
    : createSyntheticMarket({ seed, instruments: instruments ?? defaultInstruments(wall) });
  const mode = clockMode ?? (speed !== undefined && speed !== 1 ? 'accelerated' : 'realtime');
  const clock =
    given ??
    createSimClock({
      mode,
      startMs,
      speed: mode === 'accelerated' ? speed : undefined,
      wallClock: wall,
    });
  return startSimGateway({ ...gatewayOptions, market, clock, wallClock: wall });
}
