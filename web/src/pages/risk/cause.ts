import type { TFunction } from 'i18next';
import type { StateCause } from '../../../../src/contract/risk';
import { formatUsd } from '../../components';
import { currentLanguage } from '../../i18n';
import { auditActorText } from '../../i18n/auditActions';

const pct = (n: number) => `${(n * 100).toFixed(2)}%`;

/**
 * A state change's cause from a risk event's detail (JSON the server wrote): the shape the monitor
 * stores, or null for a person's change and for rows from before causes were stored.
 */
export function causeFrom(value: unknown): StateCause | null {
  if (typeof value !== 'object' || value === null) return null;
  const c = value as Record<string, unknown>;
  const number = (key: string) => typeof c[key] === 'number';
  if (c.code !== 'intraday.trigger' || !number('value') || !number('limit') || !number('netLiquidation'))
    return null;
  if (c.metric !== 'dailyLoss' && c.metric !== 'drawdown') return null;
  if (c.action !== 'REDUCING' && c.action !== 'HALTED') return null;
  return value as StateCause;
}

/** The cause as a sentence in the UI language: the metric against its limit, the state it set, the figures. */
export function causeText(t: TFunction, cause: StateCause, language: string): string {
  return t('risk.cause.intraday', {
    metric: t(`risk.events.metrics.${cause.metric}`),
    value: pct(cause.value),
    limit: pct(cause.limit),
    action: t(`riskStates.${cause.action}`),
    nav: formatUsd(cause.netLiquidation, language, 2),
    base: t(`risk.cause.base.${cause.metric}`, { value: formatUsd(cause.base, language, 2) }),
  });
}

/** Who changed a state: the system's actors by name in the UI language, a person's name as it is. */
export function actorText(actor: string): string {
  return auditActorText(actor, currentLanguage());
}
