import type { RunKind } from '../contract/execution.js';

/**
 * The kind of a trade run within its day (migration 0019): runs are unique on (project, trading
 * date, run key). The weekly or manual run of a day has the key `scheduled`, so a second trigger of
 * the day joins it. A halt's defensive move has `defensive:<haltKey>` (the halted scope and the time
 * it went HALTED): it never collides with the day's scheduled run, one halt gets exactly one move,
 * and a second halt of the same day (after a person resumed) gets its own.
 */
export const SCHEDULED_RUN_KEY = 'scheduled';

const DEFENSIVE_PREFIX = 'defensive:';

export function defensiveRunKey(haltKey: string): string {
  return `${DEFENSIVE_PREFIX}${haltKey}`;
}

export function runKindOf(runKey: string): RunKind {
  return runKey.startsWith(DEFENSIVE_PREFIX) ? 'defensive' : 'scheduled';
}
