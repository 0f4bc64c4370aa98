/**
 * Time comes from an injectable clock so that tests and the paper gateway's fast clock can drive
 * every time-dependent decision; nothing else in the code base reads the system clock directly.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  nowMs(): number;
}

export const systemClock: Clock = {
  nowMs: () => Date.now(),
};

/** A clock that only moves when told to; for tests. */
export class ManualClock implements Clock {
  constructor(private currentMs: number) {}

  nowMs(): number {
    return this.currentMs;
  }

  set(ms: number): void {
    this.currentMs = ms;
  }

  advance(ms: number): void {
    this.currentMs += ms;
  }
}

export function isoNow(clock: Clock): string {
  return new Date(clock.nowMs()).toISOString();
}
