import type { PipelineSettings, TimedPipelineStep } from '../../../../src/contract/pipeline';
import type { ProjectParams } from '../../api';

/** The number fields of `params.pipeline` in the form, in display order. */
export const PIPELINE_NUMBER_FIELDS = [
  'retries',
  'backoffMs',
  'stepTimeoutMs',
  'windowCloseMinutesBeforeClose',
  'maxRejectedShare',
] as const;

/** The steps with a time-out of their own (the monitor step ends with the run's window). */
export const TIMED_STEPS: readonly TimedPipelineStep[] = [
  'checklist',
  'decide',
  'plan',
  'risk',
  'submit',
  'report',
];

/** Form paths of the pipeline fields, as the server names them in a 400. */
export const PIPELINE_FORM_FIELDS = [
  ...PIPELINE_NUMBER_FIELDS.map((key) => `params.pipeline.${key}` as const),
  ...TIMED_STEPS.map((step) => `params.pipeline.stepTimeoutsMs.${step}` as const),
  'params.pipeline.stepTimeoutsMs' as const,
  'params.pipeline.leftover' as const,
  'params.pipeline.fallback' as const,
];

/** The server's defaults (src/projects/params.ts). */
export const DEFAULT_PIPELINE: PipelineSettings = {
  retries: 2,
  backoffMs: 5_000,
  stepTimeoutMs: 300_000,
  stepTimeoutsMs: {},
  windowCloseMinutesBeforeClose: 30,
  leftover: 'cancel',
  fallback: 'stand-still',
  maxRejectedShare: 0.2,
};

/** A project's pipeline settings; a project saved before they existed gets the defaults. */
export function pipelineOf(params: ProjectParams | undefined): PipelineSettings {
  const stored = params?.pipeline as Partial<PipelineSettings> | undefined;
  return { ...DEFAULT_PIPELINE, ...stored };
}

/**
 * What the form sends: its values over the stored ones; a cleared per-step time-out is dropped
 * (the step then uses the general one), never sent as null.
 */
export function mergePipeline(base: ProjectParams | undefined, edited: unknown): PipelineSettings {
  const values = (edited ?? {}) as Partial<PipelineSettings>;
  const merged = { ...pipelineOf(base), ...values };
  const timeouts: Partial<Record<TimedPipelineStep, number>> = {};
  for (const step of TIMED_STEPS) {
    const value = values.stepTimeoutsMs ? values.stepTimeoutsMs[step] : merged.stepTimeoutsMs?.[step];
    if (value !== null && value !== undefined) timeouts[step] = value;
  }
  return { ...merged, stepTimeoutsMs: timeouts };
}
