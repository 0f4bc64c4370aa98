import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import type { BrokerSnapshot } from './broker/broker.js';

/**
 * The simulator's persistent state (account, orders, executions, order log), written atomically
 * (temp file + rename) so a crash never leaves a half-written file.
 */
const stateFileSchema = z.object({
  format: z.literal('ibloop-sim-state/1'),
  account: z.string(),
  savedAtMs: z.number(),
  broker: z.object({
    account: z.object({
      cash: z.number(),
      realizedPnl: z.number(),
      positions: z.array(
        z.object({
          symbol: z.string(),
          quantity: z.number(),
          averageCost: z.number(),
          realizedPnl: z.number(),
        }),
      ),
      dayKey: z.string(),
      dayStartNetLiquidation: z.number(),
    }),
    nextPermId: z.number().int(),
    execSeq: z.number().int(),
    orders: z.array(z.record(z.string(), z.unknown())),
    executions: z.array(z.record(z.string(), z.unknown())),
    orderLog: z.array(z.record(z.string(), z.unknown())),
  }),
});

export function saveState(path: string, account: string, snapshot: BrokerSnapshot, nowMs: number): void {
  const body = JSON.stringify({ format: 'ibloop-sim-state/1', account, savedAtMs: nowMs, broker: snapshot });
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, body);
  renameSync(temp, path);
}

/** Undefined when there is no file yet; throws when the file exists but is not a valid state. */
export function loadState(path: string, account: string): BrokerSnapshot | undefined {
  if (!existsSync(path)) return undefined;
  const parsed = stateFileSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`sim state file ${path} is invalid: ${parsed.error.message}`);
  if (parsed.data.account !== account) {
    throw new Error(`sim state file ${path} belongs to account ${parsed.data.account}, not ${account}`);
  }
  // Orders and executions were written by this module; their inner shape is trusted.
  return parsed.data.broker as unknown as BrokerSnapshot;
}
