import type { IbReason } from '../../../../src/contract/ib';
import { ibReasonText } from '../../../../src/contract/ib-reason-texts';
import { currentLanguage } from '../../i18n';

/**
 * Why the IB connection is in its state (or orders are refused), in the UI language. `reason` is the
 * server's English text, shown as it is only when no code came with it (an older server). A replica
 * without the lease sends the trading replica's recorded code; a row recorded before codes comes as
 * the `recorded` code, which says it is the text as recorded.
 */
export function ibReasonLine(
  code: IbReason | null | undefined,
  reason: string | null,
  asState = true,
): string | null {
  if (code) return ibReasonText(code, currentLanguage(), asState);
  return reason;
}
