/**
 * Pure conversions between `@stoqey/ib` shapes and the Brokerage port's shapes, plus the IB time
 * formats. Nothing here talks to the network.
 */
import type { CommissionReport, Contract, ContractDetails, Execution, Order, OrderState } from '@stoqey/ib';
import { OrderType as IbOrderType, OrderAction, SecType } from '@stoqey/ib';
import { maskSecret } from '../../config/index.js';
import type { IbReason } from '../../contract/ib.js';
import { ENUMS } from '../../contract/messages.js';
import { zonedToUtcMs } from '../../core/time-zone.js';
import type {
  BrokerCommission,
  BrokerContract,
  BrokerExecution,
  BrokerOrder,
  BrokerOrderStatus,
  OrderRequest,
  OrderSide,
  OrderType,
  TimeInForce,
  WhatIfAnswer,
} from '../port.js';

/** IB's "unset" markers for ints and doubles. */
const UNSET_INT = 2_147_483_647;
const UNSET_DOUBLE = 1.7976931348623157e308;

export function isUnset(value: number | undefined | null): boolean {
  return (
    value === undefined ||
    value === null ||
    !Number.isFinite(value) ||
    value === UNSET_INT ||
    value >= UNSET_DOUBLE
  );
}

export function numberOr(value: number | undefined | null, fallback: number): number {
  return isUnset(value) ? fallback : (value as number);
}

export function toBrokerContract(details: ContractDetails): BrokerContract {
  const c = details.contract;
  const multiplier = Number(c.multiplier);
  return {
    symbol: (c.symbol ?? '').toUpperCase(),
    conId: c.conId ?? 0,
    secType: 'STK',
    exchange: c.exchange ?? 'SMART',
    primaryExchange: c.primaryExch ?? '',
    currency: c.currency ?? 'USD',
    multiplier: Number.isFinite(multiplier) && multiplier > 0 ? multiplier : 1,
    minTick: numberOr(details.minTick, 0.01),
    lotSize: numberOr(details.minSize, 0) > 0 ? numberOr(details.minSize, 1) : 1,
    longName: details.longName ?? '',
    industry: details.industry ?? '',
    category: details.category ?? '',
    timeZoneId: details.timeZoneId ?? '',
    tradingHours: details.tradingHours ?? '',
    liquidHours: details.liquidHours ?? '',
  };
}

/** The contract we send for requests about an already resolved contract: conId plus routing. */
export function toIbContract(contract: BrokerContract): Contract {
  return {
    conId: contract.conId,
    symbol: contract.symbol,
    secType: SecType.STK,
    exchange: contract.exchange || 'SMART',
    primaryExch: contract.primaryExchange || undefined,
    currency: contract.currency,
  };
}

export function toIbOrder(request: OrderRequest): Order {
  return {
    action: request.side === 'BUY' ? OrderAction.BUY : OrderAction.SELL,
    totalQuantity: request.quantity,
    orderType: request.type === 'LMT' ? IbOrderType.LMT : IbOrderType.MKT,
    lmtPrice: request.type === 'LMT' ? request.limitPrice : undefined,
    tif: request.tif as Order['tif'],
    account: request.account,
    orderRef: request.orderRef,
    // Pitfall 2: an undefined transmit goes out as an empty field.
    transmit: true,
  };
}

// The message catalogue lists IB's order states for the UI; typed here so that a state the port
// does not know fails the build.
const IB_ORDER_STATUSES: readonly BrokerOrderStatus[] = ENUMS.ibOrderStatus;
const KNOWN_STATUSES: ReadonlySet<string> = new Set(IB_ORDER_STATUSES);

export function toOrderStatus(text: string | undefined): BrokerOrderStatus {
  return text && KNOWN_STATUSES.has(text) ? (text as BrokerOrderStatus) : 'Inactive';
}

function sideOf(action: string | undefined): OrderSide {
  return action === 'SELL' || action === 'SSHORT' ? 'SELL' : 'BUY';
}

function typeOf(orderType: string | undefined): OrderType {
  return orderType === 'LMT' ? 'LMT' : 'MKT';
}

function tifOf(tif: string | undefined): TimeInForce {
  return tif === 'GTC' ? 'GTC' : 'DAY';
}

export function toBrokerOrder(
  orderId: number,
  contract: Contract,
  order: Order,
  state: OrderState | undefined,
): BrokerOrder {
  const quantity = numberOr(order.totalQuantity, 0);
  const filled = numberOr(order.filledQuantity, 0);
  return {
    orderId,
    permId: numberOr(order.permId, 0),
    clientId: numberOr(order.clientId, 0),
    orderRef: order.orderRef ?? '',
    account: order.account ?? '',
    symbol: (contract.symbol ?? '').toUpperCase(),
    conId: contract.conId ?? 0,
    side: sideOf(order.action),
    quantity,
    type: typeOf(order.orderType),
    limitPrice: isUnset(order.lmtPrice) ? null : (order.lmtPrice as number),
    tif: tifOf(order.tif),
    status: toOrderStatus(state?.status),
    filled,
    remaining: Math.max(0, quantity - filled),
  };
}

export function toBrokerExecution(contract: Contract, execution: Execution): BrokerExecution {
  return {
    execId: execution.execId ?? '',
    orderId: execution.orderId ?? 0,
    permId: execution.permId ?? 0,
    clientId: execution.clientId ?? 0,
    orderRef: execution.orderRef ?? '',
    account: execution.acctNumber ?? '',
    symbol: (contract.symbol ?? '').toUpperCase(),
    conId: contract.conId ?? 0,
    side: execution.side === 'SLD' ? 'SELL' : 'BUY',
    shares: execution.shares ?? 0,
    price: execution.price ?? 0,
    cumQty: execution.cumQty ?? 0,
    avgPrice: execution.avgPrice ?? 0,
    exchange: execution.exchange ?? '',
    timeMs: parseIbTime(execution.time ?? '') ?? 0,
  };
}

export function toBrokerCommission(report: CommissionReport): BrokerCommission {
  return {
    execId: report.execId ?? '',
    commission: numberOr(report.commission, 0),
    currency: report.currency ?? 'USD',
    realizedPnl: isUnset(report.realizedPNL) ? null : (report.realizedPNL as number),
  };
}

/** IB's legacy zone abbreviations and aliases. */
function zoneName(text: string | undefined, fallback: string): string {
  if (!text) return fallback;
  if (text === 'EST' || text === 'EDT' || text === 'US/Eastern') return 'America/New_York';
  if (text === 'CST' || text === 'CDT' || text === 'US/Central') return 'America/Chicago';
  if (text === 'UTC' || text === 'GMT') return 'UTC';
  return text;
}

/**
 * Times as IB sends them: epoch seconds; `yyyyMMdd`; `yyyyMMdd HH:mm:ss [zone]` (also with two
 * spaces); `yyyyMMdd-HH:mm:ss` (UTC). Returns undefined when the text is none of these.
 */
export function parseIbTime(text: string, defaultZone = 'America/New_York'): number | undefined {
  const t = text.trim();
  if (/^\d{9,11}$/.test(t)) return Number(t) * 1000;
  const utc = /^(\d{4})(\d{2})(\d{2})-(\d{2}):(\d{2}):(\d{2})$/.exec(t);
  if (utc) {
    const [y, mo, d, h, mi, s] = utc.slice(1).map(Number) as [number, number, number, number, number, number];
    return Date.UTC(y, mo - 1, d, h, mi, s);
  }
  const m = /^(\d{4})(\d{2})(\d{2})(?:\s+(\d{2}):(\d{2}):(\d{2}))?(?:\s+(\S+))?$/.exec(t);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (m[4] === undefined) return Date.UTC(y, mo - 1, d);
  return zonedToUtcMs(y, mo, d, Number(m[4]), Number(m[5]), Number(m[6]), zoneName(m[7], defaultZone));
}

/** `yyyyMMdd-HH:mm:ss` in UTC: the end-time format IB accepts everywhere. */
export function formatIbUtc(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 19)}`;
}

/** Account ids are secrets (invariant 7): keep the first two and last two characters. */
/** Accounts are masked like every other secret (`DU****67`). */
export function maskAccount(account: string): string {
  return maskSecret(account);
}

export type TradingMode = 'paper' | 'live';

export interface ModeCheck {
  ok: boolean;
  /** The account orders go to when ok. */
  account: string | null;
  reason: string | null;
  /** The same reason as a code the UI renders in its language (account ids masked). */
  reasonCode: IbReason | null;
}

/**
 * Paper accounts start with `DU`. In paper mode every order must go to a DU account; in live mode to
 * a non-DU account. A configured account must be one IB reports.
 */
export function checkMode(mode: TradingMode, configured: string | undefined, managed: string[]): ModeCheck {
  if (managed.length === 0) {
    return {
      ok: false,
      account: null,
      reason: 'IB reported no managed accounts',
      reasonCode: { code: 'no-managed-accounts' },
    };
  }
  const isPaper = (a: string) => a.toUpperCase().startsWith('DU');
  if (configured) {
    if (!managed.includes(configured)) {
      return {
        ok: false,
        account: null,
        reason: `configured account ${maskAccount(configured)} is not among the accounts IB reports (${managed.map(maskAccount).join(', ')})`,
        reasonCode: {
          code: 'account-not-reported',
          account: maskAccount(configured),
          reported: managed.map(maskAccount),
        },
      };
    }
    if (mode === 'paper' && !isPaper(configured)) {
      return {
        ok: false,
        account: null,
        reason: `mode is paper but account ${maskAccount(configured)} is a live account (paper accounts start with DU)`,
        reasonCode: { code: 'account-wrong-mode', mode, account: maskAccount(configured) },
      };
    }
    if (mode === 'live' && isPaper(configured)) {
      return {
        ok: false,
        account: null,
        reason: `mode is live but account ${maskAccount(configured)} is a paper account (starts with DU)`,
        reasonCode: { code: 'account-wrong-mode', mode, account: maskAccount(configured) },
      };
    }
    return { ok: true, account: configured, reason: null, reasonCode: null };
  }
  const matching = managed.filter((a) => (mode === 'paper' ? isPaper(a) : !isPaper(a)));
  if (matching.length === 0) {
    return {
      ok: false,
      account: null,
      reason:
        mode === 'paper'
          ? `mode is paper but IB reports only live accounts (${managed.map(maskAccount).join(', ')})`
          : `mode is live but IB reports only paper accounts (${managed.map(maskAccount).join(', ')})`,
      reasonCode: { code: 'no-account-for-mode', mode, accounts: managed.map(maskAccount) },
    };
  }
  if (matching.length > 1) {
    return {
      ok: false,
      account: null,
      reason: `IB reports several ${mode} accounts (${matching.map(maskAccount).join(', ')}); configure which one to trade`,
      reasonCode: { code: 'several-accounts', mode, accounts: matching.map(maskAccount) },
    };
  }
  return { ok: true, account: matching[0] ?? null, reason: null, reasonCode: null };
}

/** IB leaves unset figures empty or at Double.MAX_VALUE; both read as unknown. */
function figure(value: number | undefined): number | null {
  return value === undefined || !Number.isFinite(value) || Math.abs(value) >= Number.MAX_VALUE ? null : value;
}

export function toWhatIfAnswer(state: OrderState): WhatIfAnswer {
  return {
    initMarginBefore: figure(state.initMarginBefore),
    maintMarginBefore: figure(state.maintMarginBefore),
    equityWithLoanBefore: figure(state.equityWithLoanBefore),
    initMarginChange: figure(state.initMarginChange),
    maintMarginChange: figure(state.maintMarginChange),
    equityWithLoanChange: figure(state.equityWithLoanChange),
    initMarginAfter: figure(state.initMarginAfter),
    maintMarginAfter: figure(state.maintMarginAfter),
    equityWithLoanAfter: figure(state.equityWithLoanAfter),
    warningText: state.warningText ?? '',
  };
}
