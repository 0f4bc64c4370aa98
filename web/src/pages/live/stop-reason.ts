import { stopReasonText, storedStopReason } from '../../../../src/contract/execution-texts';
import { currentLanguage, i18n } from '../../i18n';
import { renderEnum } from '../../i18n/messages';

/** The rule names of the pre-trade locale (pretrade.rules.*); a rule it does not know shows as it is. */
const ruleName = (rule: string): string =>
  (i18n.t.bind(i18n) as unknown as (key: string, options: object) => string)(`pretrade.rules.${rule}`, {
    defaultValue: rule,
  });

/**
 * Why a trade run stopped sending, in the UI language: the execution's answer or the pipeline's
 * submit evidence. A reason stored as English text before the codes is shown as it was written;
 * null when there is none.
 */
export function stopReasonLine(value: unknown): string | null {
  const reason = storedStopReason(value);
  if (reason === null || typeof reason === 'string') return reason;
  return stopReasonText(reason, currentLanguage(), {
    enumValue: renderEnum,
    ruleName,
  });
}
