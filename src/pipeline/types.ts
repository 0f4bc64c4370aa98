import type { RunMissedReason } from '../contract/alert-texts.js';
import type { Message } from '../contract/messages.js';
import type { ProjectParams } from '../projects/index.js';

/** The steps of one weekly run, in order (DESIGN.md, "The spine"). */
export const STEP_NAMES = ['checklist', 'decide', 'plan', 'risk', 'submit', 'monitor', 'report'] as const;
export type StepName = (typeof STEP_NAMES)[number];

/** A dry run goes through every step up to the risk check and stops there. */
export const DRY_RUN_STEPS: readonly StepName[] = ['checklist', 'decide', 'plan', 'risk'];

export const STEP_STATUSES = ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'SKIPPED'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export const RUN_STATUSES = ['WAITING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'STOOD_STILL', 'MISSED'] as const;
export type PipelineRunStatus = (typeof RUN_STATUSES)[number];
export const FINAL_RUN_STATUSES: readonly PipelineRunStatus[] = [
  'SUCCEEDED',
  'FAILED',
  'STOOD_STILL',
  'MISSED',
];

export const TRIGGERS = ['schedule', 'catch-up', 'manual', 'cli'] as const;
export type Trigger = (typeof TRIGGERS)[number];

export type PipelineParams = ProjectParams['pipeline'];

export type Evidence = Record<string, unknown>;

export interface PipelineStep {
  name: StepName;
  seq: number;
  status: StepStatus;
  attempts: number;
  startedAt: string | null;
  endedAt: string | null;
  evidence: Evidence | null;
  error: string | null;
  /** The StepError code of a failed step (a catalogued error's message code, else STEP_FAILED), null when it did not fail. */
  errorCode: string | null;
  /** The failure as a catalogued message the UI renders in its language. */
  errorText: Message | null;
}

export interface PipelineRun {
  id: number;
  runKey: string;
  projectId: number;
  tradingDate: string;
  dryRun: boolean;
  trigger: Trigger;
  status: PipelineRunStatus;
  notBefore: string;
  windowEnd: string;
  createdAt: string;
  createdBy: string;
  startedAt: string | null;
  finishedAt: string | null;
  tradeRunId: number | null;
  fallback: string | null;
  /** In English (logs, API users). */
  error: string | null;
  /** A MISSED run: why, as a code the UI renders in its language (src/contract/alert-texts.ts). */
  missedReason: RunMissedReason | null;
  report: Evidence | null;
  steps: PipelineStep[];
}

/** What a step sees: the run, the project's settings, what earlier steps recorded, and a deadline. */
export interface StepContext {
  run: PipelineRun;
  params: ProjectParams;
  /** Evidence of the steps that already succeeded, by name (read back from the database on resume). */
  evidence: Partial<Record<StepName, Evidence>>;
  attempt: number;
  signal: AbortSignal;
}

/**
 * A step failed. `final` failures are not retried (a risk block, a checklist item that cannot
 * change by waiting); the others are, with back-off, up to the project's retry limit.
 */
export class StepError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly options: { final?: boolean; evidence?: Evidence; text?: Message } = {},
  ) {
    super(message);
    this.name = 'StepError';
  }
}

/** The work behind each step: one call into one module each (the live wiring, or stand-ins in tests). */
export type StepWork = Record<StepName, (ctx: StepContext) => Promise<Evidence>>;

/** The fallback used when the decide step failed for good. */
export interface FallbackPort {
  /**
   * `last-good`: freeze the snapshot of the project's last completed run (`sourceSnapshotId`, found by
   * the runner) again for this run; null when there is none. `reasonText` is the failure as a
   * catalogued message, kept in the snapshot so that its page says why in the reader's language.
   */
  lastGood(
    ctx: StepContext,
    reason: string,
    sourceSnapshotId: number | undefined,
    reasonText?: Message,
  ): Promise<Evidence | null>;
  /**
   * Trading failed mid-run (rejections above the limit, submit failed after orders went out): cancel
   * the run's open orders so nothing more is sent. Says how many orders went out (`sent`) and how
   * many were cancelled. Omitted: the runner has no broker (tests of the runner alone) and such a run
   * simply fails.
   */
  stopTrading?(ctx: StepContext): Promise<StoppedTrading>;
}

export interface StoppedTrading {
  tradeRunId: number | null;
  sent: number;
  canceled: number;
}
