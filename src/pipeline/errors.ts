import { missedReasonText, RUN_MISSED_REASONS, type RunMissedReason } from '../contract/alert-texts.js';
import { type Message, msg, parseMessage } from '../contract/messages.js';
import { cataloguedReason } from '../core/errors.js';
import { StepError } from './types.js';

/**
 * The checklist's code when only market-data items failed (bars incomplete or stale, quotes stale):
 * the decision's inputs are bad but the state is safe, so the run follows the fallback policy like a
 * failed decision does. Any other failed item (IB down, account, trading state, open orders, lease)
 * fails the run.
 */
export const CHECKLIST_DATA_FAILED = 'CHECKLIST_DATA_FAILED';

/**
 * The monitor step's code when IB rejected more of the run's orders than `pipeline.maxRejectedShare`
 * allows: the run stops trading and follows the fallback policy.
 */
export const REJECTIONS_ABOVE_LIMIT = 'REJECTIONS_ABOVE_LIMIT';

/** A step's failure as stored: the StepError code, the catalogued message the UI renders, the English text. */
export interface StepFailure {
  code: string;
  text: Message;
  message: string;
}

/**
 * What any thrown value says as a step failure: a StepError's code, the catalogued code of an error
 * that carries one (InputError and the like), else STEP_FAILED.
 */
export function stepFailure(error: unknown): StepFailure {
  if (error instanceof StepError) {
    const text = error.options.text ?? msg('PIPELINE_STEP_FAILED', { detail: error.message });
    return { code: error.code, text, message: error.message };
  }
  const detail = error instanceof Error ? error.message : String(error);
  // A module's error that carries its reason as a catalogued message (src/core's ErrorText): the
  // message's code is the failure's code, so an alert or the UI can say it in the reader's language.
  const text = cataloguedReason(error);
  if (text) return { code: text.code, text, message: detail };
  return { code: 'STEP_FAILED', text: msg('PIPELINE_STEP_FAILED', { detail }), message: detail };
}

/**
 * The step's `error` column holds the failure as JSON (code, message, English text), so the code is
 * stored with the step without a schema change; rows written before hold the bare English text.
 */
export function encodeFailure(failure: StepFailure): string {
  return JSON.stringify({ code: failure.code, text: failure.text, message: failure.message });
}

export function decodeFailure(raw: string | null): StepFailure | null {
  if (raw === null) return null;
  if (raw.startsWith('{')) {
    try {
      const value = JSON.parse(raw) as { code?: unknown; text?: unknown; message?: unknown };
      const text = parseMessage(value.text);
      if (typeof value.code === 'string' && typeof value.message === 'string' && text)
        return { code: value.code, text, message: value.message };
    } catch {
      // Not ours: read as plain text below.
    }
  }
  return { code: 'STEP_FAILED', text: msg('PIPELINE_STEP_FAILED', { detail: raw }), message: raw };
}

/** A run's `error` as read: the English text (logs, API users) and, for a missed run, why as a code. */
export interface RunError {
  error: string | null;
  missedReason: RunMissedReason | null;
}

/**
 * A missed run's `error` column: the reason's code with its English text, as JSON (the step's way,
 * without a schema change), so that the UI says it in its language.
 */
export function encodeMissed(reason: RunMissedReason): string {
  return JSON.stringify({ missed: reason, message: missedReasonText(reason, 'en') });
}

const isMissedReason = (value: unknown): value is RunMissedReason =>
  (RUN_MISSED_REASONS as readonly unknown[]).includes(value);

/**
 * Reads a run's `error` back. Missed runs stored before the code held the reason's English text,
 * which names its code too; any other text is shown as it was written.
 */
export function decodeRunError(raw: string | null): RunError {
  if (raw === null) return { error: null, missedReason: null };
  if (raw.startsWith('{')) {
    try {
      const value = JSON.parse(raw) as { missed?: unknown; message?: unknown };
      if (isMissedReason(value.missed))
        return {
          error: typeof value.message === 'string' ? value.message : missedReasonText(value.missed, 'en'),
          missedReason: value.missed,
        };
    } catch {
      // Not ours: plain text below.
    }
  }
  const written = RUN_MISSED_REASONS.find((reason) => missedReasonText(reason, 'en') === raw);
  return { error: raw, missedReason: written ?? null };
}
