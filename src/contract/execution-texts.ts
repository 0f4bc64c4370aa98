/**
 * Why a trade run stopped sending (StopReason: a code with its figures) as a sentence in either
 * language, from the per-language templates (execution-texts.zh-CN.ts, execution-texts.en.ts). The
 * web app renders the execution's answer and the pipeline's submit evidence with it, the server its
 * log line; a stop reason written before the codes (English text) is shown as it was written.
 *
 * Pure TypeScript: no Node or server imports, so the web app can import it.
 */
import type { StopReason } from './execution.js';
import { STOP_REASONS_EN } from './execution-texts.en.js';
import type { StopReasonTexts } from './execution-texts.zh-CN.js';
import { STOP_REASONS_ZH_CN } from './execution-texts.zh-CN.js';
import { ibReasonText } from './ib-reason-texts.js';
import type { EnumName } from './messages.js';
import { fillTemplate } from './pretrade-texts.js';

export type StopReasonLanguage = 'zh-CN' | 'en';

export const STOP_REASON_TEXTS: Readonly<Record<StopReasonLanguage, StopReasonTexts>> = {
  'zh-CN': STOP_REASONS_ZH_CN,
  en: STOP_REASONS_EN,
};

/** How a renderer names enum values and pre-trade rules (default: as they are, e.g. in the log line). */
export interface StopReasonFormat {
  enumValue?: (name: EnumName, value: string) => string;
  ruleName?: (rule: string) => string;
}

/** The reason's sentence in a language. */
export function stopReasonText(
  reason: StopReason,
  language: StopReasonLanguage,
  format: StopReasonFormat = {},
): string {
  const texts = STOP_REASON_TEXTS[language];
  const list = (values: readonly string[]) => values.join(texts.separator);
  switch (reason.code) {
    case 'pretrade-blocked':
      return fillTemplate(texts[reason.code], {
        rules: list(reason.rules.map((rule) => format.ruleName?.(rule) ?? rule)),
      });
    case 'broker-not-connected':
      return fillTemplate(texts[reason.code], {
        status: format.enumValue?.('connectionStatus', reason.status) ?? reason.status,
      });
    case 'account-problem':
      return fillTemplate(texts[reason.code], { reason: ibReasonText(reason.reason, language, false) });
    case 'cancels-pending':
      return fillTemplate(texts[reason.code], {
        count: String(reason.count),
        symbols: list(reason.symbols),
      });
    case 'broker-unavailable':
      return reason.reason
        ? fillTemplate(texts['broker-unavailable-why'], { reason: ibReasonText(reason.reason, language) })
        : texts[reason.code];
    default:
      return texts[reason.code];
  }
}

/** The English line for logs and API readers: `code: sentence`. */
export function stopReasonLine(reason: StopReason): string {
  return `${reason.code}: ${stopReasonText(reason, 'en')}`;
}

/** The codes: every template but the variant with IB's reason and the list separator. */
const CODES = new Set<string>(
  Object.keys(STOP_REASONS_ZH_CN).filter((key) => key !== 'separator' && key !== 'broker-unavailable-why'),
);

/**
 * A stop reason as stored (pipeline evidence) or answered: the code with its figures, or the English
 * text written before codes existed (shown as it was written); null when there is none.
 */
export function storedStopReason(value: unknown): StopReason | string | null {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return null;
  const reason = value as { code?: unknown; rules?: unknown; symbols?: unknown };
  if (typeof reason.code !== 'string' || !CODES.has(reason.code)) return null;
  // The lists a sentence joins must be lists: a record written otherwise is not rendered.
  if (reason.code === 'pretrade-blocked' && !Array.isArray(reason.rules)) return null;
  if (reason.code === 'cancels-pending' && !Array.isArray(reason.symbols)) return null;
  return value as StopReason;
}
