import type { Kysely } from 'kysely';
import { z } from 'zod';
import { parseMessage } from '../contract/messages.js';
import type { FallbackResponse, FallbackUseView } from '../contract/risk.js';
import { decodeFailure } from '../pipeline/errors.js';
import type { Database } from '../store/index.js';

const decideEvidence = z.object({
  snapshotId: z.number().int().optional(),
  sourceSnapshotId: z.number().int().optional(),
  reason: z.string().optional(),
  failedStep: z.enum(['checklist', 'decide']).optional(),
  reasonText: z.unknown().optional(),
});
const fallbackContent = z.object({
  fallback: z.object({ sourceHash: z.string() }).nullable().optional(),
});

function parse<T>(schema: z.ZodType<T>, json: string | null): T | undefined {
  if (json === null) return undefined;
  try {
    const result = schema.safeParse(JSON.parse(json));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The project's fallback policy and the newest weekly run that used it, from what the pipeline
 * recorded: the run's `fallback`, the decide step's evidence (the fallback snapshot and its source)
 * or error (the reason; else the run's error, after a checklist data failure), and the fallback
 * snapshot's source hash.
 */
export async function fallbackStatus(
  db: Kysely<Database>,
  projectId: number,
  policy: FallbackResponse['policy'],
): Promise<FallbackResponse> {
  const run = await db
    .selectFrom('pipeline_runs')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('dry_run', '=', 0)
    .where('fallback', 'is not', null)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (!run || (run.fallback !== 'last-good' && run.fallback !== 'stand-still')) {
    return { projectId, policy, latest: null };
  }
  const steps = await db
    .selectFrom('pipeline_steps')
    .selectAll()
    .where('run_id', '=', run.id)
    .where('name', 'in', ['checklist', 'decide', 'submit', 'monitor'])
    .execute();
  const decide = steps.find((s) => s.name === 'decide');
  const evidence = parse(decideEvidence, decide?.evidence_json ?? null);
  // The failure that made the run fall back: the decide step's own, else the checklist's (bad data),
  // else trading's (rejections above the limit, a submit that failed after orders went out).
  const failedAt = (name: string) => {
    const step = steps.find((s) => s.name === name);
    return step?.status === 'FAILED' ? decodeFailure(step.error) : null;
  };
  const failure =
    decodeFailure(evidence?.failedStep === 'checklist' ? null : (decide?.error ?? null)) ??
    failedAt('checklist') ??
    failedAt('monitor') ??
    failedAt('submit');
  let sourceHash: string | null = null;
  if (evidence?.snapshotId !== undefined) {
    const snapshot = await db
      .selectFrom('decision_snapshots')
      .select('content_json')
      .where('id', '=', evidence.snapshotId)
      .executeTakeFirst();
    sourceHash = parse(fallbackContent, snapshot?.content_json ?? null)?.fallback?.sourceHash ?? null;
  }
  const latest: FallbackUseView = {
    pipelineRunId: Number(run.id),
    tradingDate: run.trading_date,
    used: run.fallback,
    // Stand-still leaves the reason on the run: `decide: …`, `checklist: …` when its data was bad, or
    // the trading step that stopped.
    reason:
      evidence?.reason ??
      failure?.message ??
      (run.error ?? '').replace(/^(decide|checklist|submit|monitor): /, ''),
    reasonText: parseMessage(evidence?.reasonText) ?? failure?.text ?? null,
    at: decide?.ended_at ?? run.finished_at ?? run.created_at,
    snapshotId: evidence?.snapshotId ?? null,
    sourceSnapshotId: evidence?.sourceSnapshotId ?? null,
    sourceHash,
    tradeRunId: run.trade_run_id === null ? null : Number(run.trade_run_id),
  };
  return { projectId, policy, latest };
}
