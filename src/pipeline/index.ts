/**
 * The weekly pipeline: one run per project and trading date as named steps (checklist, decide,
 * plan, risk, submit, monitor, report), each recorded with its status, attempts, evidence and error.
 */

export { CHECKLIST_DATA_FAILED, REJECTIONS_ABOVE_LIMIT } from './errors.js';
export { type ChecklistItem, type LiveStepDeps, liveStepWork } from './live.js';
export { type PostTradeReport, postTradeReport, type SymbolReport } from './report.js';
export { type NewRun, PipelineRepository, runKeyOf } from './repository.js';
export {
  type GatewayWait,
  PipelineRunner,
  type PipelineRunnerOptions,
  recordTrigger,
  type StepEndEvent,
  type TriggerInput,
  type TriggerResult,
} from './runner.js';
export {
  DRY_RUN_STEPS,
  type Evidence,
  type FallbackPort,
  FINAL_RUN_STATUSES,
  type PipelineParams,
  type PipelineRun,
  type PipelineRunStatus,
  type PipelineStep,
  RUN_STATUSES,
  STEP_NAMES,
  STEP_STATUSES,
  type StepContext,
  StepError,
  type StepName,
  type StepStatus,
  type StepWork,
  type StoppedTrading,
  TRIGGERS,
  type Trigger,
} from './types.js';
export { manualWindow, nextWindows, type RunWindow, weeklyWindow, windowOn } from './window.js';
