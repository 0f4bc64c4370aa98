import { describe, expect, it } from 'vitest';
import {
  inputDifferences,
  previousRun,
  type RecordedRun,
} from '../../web/src/pages/reports/backtestInputs.js';

function run(id: number, projectId: number | null, config: Record<string, unknown>): RecordedRun {
  return { id, projectId, config };
}

describe('what a backtest rerun changed', () => {
  const base = {
    initialCash: 1_000_000,
    slippageBps: 5,
    commission: { perShare: 0.005, minimum: 1, maxFraction: 0.01 },
    start: null,
    end: null,
    modelVersion: 'abc',
  };

  it('names each changed input with its old and new value, and nothing else', () => {
    const after = {
      ...base,
      initialCash: 500_000,
      commission: { perShare: 0, minimum: 0, maxFraction: 0 },
      start: '2015-01-02',
    };
    expect(inputDifferences(run(1, 7, base), run(2, 7, after))).toEqual([
      { field: 'start', before: '—', after: '2015-01-02' },
      { field: 'initialCash', before: '1000000', after: '500000' },
      {
        field: 'commission',
        before: 'perShare=0.005, minimum=1, maxFraction=0.01',
        after: 'perShare=0, minimum=0, maxFraction=0',
      },
    ]);
    expect(inputDifferences(run(1, 7, base), run(2, 7, { ...base }))).toEqual([]);
  });

  it("compares with the same project's run just before, never another project's", () => {
    const all = [run(1, 7, base), run(2, 8, base), run(3, 7, base), run(4, 7, base)];
    expect(previousRun(all, 4)?.id).toBe(3);
    expect(previousRun(all, 3)?.id).toBe(1);
    expect(previousRun(all, 2)).toBeNull();
    expect(previousRun(all, 1)).toBeNull();
  });
});
