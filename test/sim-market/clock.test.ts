import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/index.js';
import { createSimClock } from '../../src/sim/market/index.js';

const START = Date.parse('2026-11-23T14:30:00Z');

describe('sim clock', () => {
  it('follows wall time in realtime mode, from its start', () => {
    const wall = new ManualClock(1_000);
    const clock = createSimClock({ mode: 'realtime', startMs: START, wallClock: wall });
    expect(clock.nowMs()).toBe(START);
    wall.advance(2_500);
    expect(clock.nowMs()).toBe(START + 2_500);
    expect(() => clock.setSpeed(10)).toThrow(/realtime/);
  });

  it('runs speed times faster in accelerated mode and can change speed without jumping', () => {
    const wall = new ManualClock(0);
    const clock = createSimClock({ mode: 'accelerated', startMs: START, speed: 100, wallClock: wall });
    wall.advance(1_000);
    expect(clock.nowMs()).toBe(START + 100_000);
    clock.setSpeed(0);
    wall.advance(5_000);
    expect(clock.nowMs()).toBe(START + 100_000);
    clock.setSpeed(2);
    wall.advance(500);
    expect(clock.nowMs()).toBe(START + 101_000);
    expect(() => clock.setSpeed(-1)).toThrow();
  });

  it('moves only on advance in stepped mode and tells listeners', () => {
    const wall = new ManualClock(0);
    const clock = createSimClock({ mode: 'stepped', startMs: START, wallClock: wall });
    const heard: number[] = [];
    const unsubscribe = clock.onChange((now) => heard.push(now));
    wall.advance(60_000);
    expect(clock.nowMs()).toBe(START);
    clock.advance(250);
    clock.advance(86_400_000);
    expect(clock.nowMs()).toBe(START + 250 + 86_400_000);
    expect(heard).toEqual([START + 250, START + 250 + 86_400_000]);
    unsubscribe();
    clock.advance(1);
    expect(heard).toHaveLength(2);
    expect(() => clock.setSpeed(2)).toThrow(/stepped/);
    expect(() => clock.advance(-5)).toThrow();
    expect(clock.mode).toBe('stepped');
  });

  it('lets accelerated time jump forward too', () => {
    const wall = new ManualClock(0);
    const clock = createSimClock({ mode: 'accelerated', startMs: START, speed: 10, wallClock: wall });
    wall.advance(100);
    clock.advance(3_600_000);
    expect(clock.nowMs()).toBe(START + 1_000 + 3_600_000);
  });
});
