import { type Clock, systemClock } from '../../core/index.js';
import type { SimClock, SimClockMode } from './types.js';

export interface SimClockOptions {
  mode: SimClockMode;
  /** Simulated time at creation; defaults to the wall clock's time. */
  startMs?: number;
  /** Accelerated mode only: simulated ms per wall ms (0 pauses). Defaults to 60. */
  speed?: number;
  /** Source of wall time; injectable for tests. */
  wallClock?: Clock;
}

const DEFAULT_ACCELERATED_SPEED = 60;

/**
 * The simulator's clock. Realtime follows the wall clock (from startMs on); accelerated runs `speed`
 * times faster; stepped stands still until `advance`. `advance` jumps forward in every mode (for
 * example over a weekend). Listeners hear about discontinuities only (advance, speed change), not the
 * continuous passing of time, which callers observe through their own timers.
 */
export function createSimClock(options: SimClockOptions): SimClock {
  const wall = options.wallClock ?? systemClock;
  const mode = options.mode;
  if (!['realtime', 'accelerated', 'stepped'].includes(mode)) throw new Error(`unknown clock mode "${mode}"`);
  let speed = mode === 'realtime' ? 1 : mode === 'stepped' ? 0 : (options.speed ?? DEFAULT_ACCELERATED_SPEED);
  if (mode === 'accelerated') assertSpeed(speed);
  if (mode === 'realtime' && options.speed !== undefined && options.speed !== 1) {
    throw new Error('realtime clock runs at speed 1; use accelerated mode for other speeds');
  }
  let anchorSimMs = options.startMs ?? wall.nowMs();
  let anchorWallMs = wall.nowMs();
  const listeners = new Set<(nowMs: number) => void>();

  const nowMs = (): number => anchorSimMs + Math.floor((wall.nowMs() - anchorWallMs) * speed);
  const reanchor = (): void => {
    anchorSimMs = nowMs();
    anchorWallMs = wall.nowMs();
  };
  const notify = (): void => {
    const now = nowMs();
    for (const listener of [...listeners]) listener(now);
  };

  return {
    mode,
    nowMs,
    setSpeed(multiplier: number): void {
      if (mode !== 'accelerated') throw new Error(`cannot set the speed of a ${mode} clock`);
      assertSpeed(multiplier);
      reanchor();
      speed = multiplier;
      notify();
    },
    advance(ms: number): void {
      if (!Number.isFinite(ms) || ms < 0)
        throw new Error(`advance expects a non-negative duration, got ${ms}`);
      reanchor();
      anchorSimMs += Math.floor(ms);
      notify();
    },
    onChange(listener: (nowMs: number) => void): () => void {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

function assertSpeed(speed: number): void {
  if (!Number.isFinite(speed) || speed < 0)
    throw new Error(`speed must be a finite number >= 0, got ${speed}`);
}
