/**
 * Outgoing (server -> client) messages of the TWS protocol, field for field as the IB decoders read
 * them at a negotiated server version. Supported versions: 176 to 193. Every conditional below names
 * the version that introduced the field (IB's MIN_SERVER_VER_* constants).
 */
import type { MarginFigures, SimExecution, SimOrder } from '../broker/types.js';
import type { Bar, Instrument } from '../ports.js';
import { UNSET_DOUBLE, UNSET_INT, type WireValue } from './codec.js';

export const MIN_SUPPORTED_VERSION = 176;
export const MAX_SUPPORTED_VERSION = 193;

const V = {
  FA_PROFILE_DESUPPORT: 177,
  PENDING_PRICE_REVISION: 178,
  LAST_TRADE_DATE: 182,
  CUSTOMER_ACCOUNT: 183,
  PROFESSIONAL_CUSTOMER: 184,
  BOND_ACCRUED_INTEREST: 185,
  INELIGIBILITY_REASONS: 186,
  INCLUDE_OVERNIGHT: 189,
  CME_TAGGING_FIELDS_IN_OPEN_ORDER: 193,
} as const;

export const IN = {
  TICK_PRICE: 1,
  TICK_SIZE: 2,
  ORDER_STATUS: 3,
  ERR_MSG: 4,
  OPEN_ORDER: 5,
  ACCT_VALUE: 6,
  PORTFOLIO_VALUE: 7,
  ACCT_UPDATE_TIME: 8,
  NEXT_VALID_ID: 9,
  CONTRACT_DATA: 10,
  EXECUTION_DATA: 11,
  MANAGED_ACCTS: 15,
  HISTORICAL_DATA: 17,
  TICK_GENERIC: 45,
  TICK_STRING: 46,
  CURRENT_TIME: 49,
  CONTRACT_DATA_END: 52,
  OPEN_ORDER_END: 53,
  ACCT_DOWNLOAD_END: 54,
  EXECUTION_DATA_END: 55,
  TICK_SNAPSHOT_END: 57,
  MARKET_DATA_TYPE: 58,
  COMMISSION_REPORT: 59,
  POSITION: 61,
  POSITION_END: 62,
  ACCOUNT_SUMMARY: 63,
  ACCOUNT_SUMMARY_END: 64,
  POSITION_MULTI: 71,
  POSITION_MULTI_END: 72,
  ACCOUNT_UPDATE_MULTI: 73,
  ACCOUNT_UPDATE_MULTI_END: 74,
  TICK_REQ_PARAMS: 81,
  HISTORICAL_DATA_UPDATE: 90,
  PNL: 94,
  PNL_SINGLE: 95,
  COMPLETED_ORDER: 101,
  COMPLETED_ORDERS_END: 102,
} as const;

export type Fields = WireValue[];

/** IB's trading class / market name for US listed stocks. */
const US_STOCK_TRADING_CLASS = 'NMS';

/**
 * A US stock's contract as openOrder, completedOrder, execDetails, position and portfolio messages
 * carry it: conId, symbol, secType, lastTradeDate, strike, right, multiplier, exchange, currency,
 * localSymbol, tradingClass.
 */
function stockContract(inst: Instrument, exchange = inst.exchange): WireValue[] {
  return [
    inst.conId,
    inst.symbol,
    'STK',
    '',
    0,
    '',
    '',
    exchange,
    inst.currency,
    inst.symbol,
    US_STOCK_TRADING_CLASS,
  ];
}

function optionalDouble(value: number | undefined): WireValue {
  return value === undefined ? UNSET_DOUBLE : value;
}

export const msg = {
  managedAccounts: (accounts: readonly string[]): Fields => [IN.MANAGED_ACCTS, 1, accounts.join(',')],
  nextValidId: (orderId: number): Fields => [IN.NEXT_VALID_ID, 1, orderId],
  currentTime: (unixSeconds: number): Fields => [IN.CURRENT_TIME, 1, unixSeconds],

  /** Error or info (id -1). The advanced-reject JSON field exists from version 166 on. */
  error: (id: number, code: number, text: string, advancedRejectJson = ''): Fields => [
    IN.ERR_MSG,
    2,
    id,
    code,
    text,
    advancedRejectJson,
  ],

  contractData: (version: number, reqId: number, inst: Instrument): Fields => {
    const fields: Fields = [IN.CONTRACT_DATA, reqId, inst.symbol, 'STK', ''];
    if (version >= V.LAST_TRADE_DATE) fields.push('');
    fields.push(
      0, // strike
      '', // right
      inst.exchange,
      inst.currency,
      inst.symbol, // localSymbol
      US_STOCK_TRADING_CLASS, // marketName
      US_STOCK_TRADING_CLASS, // tradingClass
      inst.conId,
      inst.minTick,
      '', // multiplier
      'ACTIVETIM,AD,ADJUST,ALERT,ALLOC,DAY,GTC,LIT,LMT,MKT,MOC,MOO,STP,STPLMT,TRAIL',
      `${inst.exchange},${inst.primaryExchange}`,
      1, // priceMagnifier
      0, // underConId
      inst.longName,
      inst.primaryExchange,
      '', // contractMonth
      inst.industry,
      inst.category,
      inst.sector, // subcategory: the closest field IB offers for a sector label
      inst.timeZoneId,
      inst.tradingHours,
      inst.liquidHours,
      '', // evRule
      '', // evMultiplier
      0, // secIdList count
      1, // aggGroup
      '', // underSymbol
      '', // underSecType
      '26,26', // marketRuleIds
      '', // realExpirationDate
      'COMMON', // stockType
      inst.lotSize, // minSize
      inst.lotSize, // sizeIncrement
      inst.lotSize, // suggestedSizeIncrement
    );
    if (version >= V.INELIGIBILITY_REASONS) fields.push(0);
    return fields;
  },
  contractDataEnd: (reqId: number): Fields => [IN.CONTRACT_DATA_END, 1, reqId],

  marketDataType: (reqId: number, type: number): Fields => [IN.MARKET_DATA_TYPE, 1, reqId, type],
  tickReqParams: (reqId: number, minTick: number, bboExchange: string): Fields => [
    IN.TICK_REQ_PARAMS,
    reqId,
    minTick,
    bboExchange,
    3, // snapshotPermissions
  ],
  /** Version 6: size and the attribute mask follow the price. */
  tickPrice: (reqId: number, tickType: number, price: number, size: number, attribMask = 0): Fields => [
    IN.TICK_PRICE,
    6,
    reqId,
    tickType,
    price,
    size,
    attribMask,
  ],
  tickSize: (reqId: number, tickType: number, size: number): Fields => [
    IN.TICK_SIZE,
    6,
    reqId,
    tickType,
    size,
  ],
  tickString: (reqId: number, tickType: number, value: string): Fields => [
    IN.TICK_STRING,
    6,
    reqId,
    tickType,
    value,
  ],
  tickGeneric: (reqId: number, tickType: number, value: number): Fields => [
    IN.TICK_GENERIC,
    6,
    reqId,
    tickType,
    value,
  ],
  tickSnapshotEnd: (reqId: number): Fields => [IN.TICK_SNAPSHOT_END, 1, reqId],

  historicalData: (reqId: number, startText: string, endText: string, bars: readonly BarText[]): Fields => {
    const fields: Fields = [IN.HISTORICAL_DATA, reqId, startText, endText, bars.length];
    for (const bar of bars) {
      fields.push(
        bar.date,
        bar.bar.open,
        bar.bar.high,
        bar.bar.low,
        bar.bar.close,
        bar.bar.volume,
        bar.bar.wap,
      );
      fields.push(bar.bar.count);
    }
    return fields;
  },
  /** Note IB's order here: open, close, high, low, then WAP before volume. */
  historicalDataUpdate: (reqId: number, bar: BarText): Fields => [
    IN.HISTORICAL_DATA_UPDATE,
    reqId,
    bar.bar.count,
    bar.date,
    bar.bar.open,
    bar.bar.close,
    bar.bar.high,
    bar.bar.low,
    bar.bar.wap,
    bar.bar.volume,
  ],

  /** `status` overrides the order's own for a transient state (PendingCancel under `hold-order`). */
  orderStatus: (order: SimOrder, status: string = order.status): Fields => [
    IN.ORDER_STATUS,
    order.orderId,
    status,
    order.filled,
    order.totalQuantity - order.filled,
    order.avgFillPrice,
    order.permId,
    0, // parentId
    order.lastFillPrice,
    order.clientId,
    '', // whyHeld
    0, // mktCapPrice
  ],

  openOrder: (version: number, order: SimOrder, state: OpenOrderState): Fields => {
    const inst = order.instrument;
    const fields: Fields = [IN.OPEN_ORDER, order.orderId];
    fields.push(...stockContract(inst));
    fields.push(
      order.action,
      order.totalQuantity,
      order.orderType,
      optionalDouble(order.lmtPrice),
      optionalDouble(undefined), // auxPrice
      order.tif,
      '', // ocaGroup
      order.account,
      '', // openClose
      0, // origin: customer
      order.orderRef,
      order.clientId,
      order.permId,
      order.outsideRth,
      0, // hidden
      0, // discretionaryAmt
      '', // goodAfterTime
      '', // sharesAllocation (deprecated)
      '', // faGroup
      '', // faMethod
      '', // faPercentage
    );
    if (version < V.FA_PROFILE_DESUPPORT) fields.push(''); // faProfile
    fields.push(
      '', // modelCode
      '', // goodTillDate
      '', // rule80A
      UNSET_DOUBLE, // percentOffset
      '', // settlingFirm
      0, // shortSaleSlot
      '', // designatedLocation
      -1, // exemptCode
      0, // auctionStrategy
      UNSET_DOUBLE, // startingPrice
      UNSET_DOUBLE, // stockRefPrice
      UNSET_DOUBLE, // delta
      UNSET_DOUBLE, // stockRangeLower
      UNSET_DOUBLE, // stockRangeUpper
      UNSET_INT, // displaySize
      0, // blockOrder
      0, // sweepToFill
      0, // allOrNone
      UNSET_INT, // minQty
      3, // ocaType
      0, // eTradeOnly
      0, // firmQuoteOnly
      UNSET_DOUBLE, // nbboPriceCap
      0, // parentId
      0, // triggerMethod
      UNSET_DOUBLE, // volatility
      0, // volatilityType
      '', // deltaNeutralOrderType (empty: no delta-neutral sub-fields)
      UNSET_DOUBLE, // deltaNeutralAuxPrice
      0, // continuousUpdate
      0, // referencePriceType
      UNSET_DOUBLE, // trailStopPrice
      UNSET_DOUBLE, // trailingPercent
      UNSET_DOUBLE, // basisPoints
      UNSET_INT, // basisPointsType
      '', // comboLegsDescription
      0, // comboLegs count
      0, // orderComboLegs count
      0, // smartComboRoutingParams count
      UNSET_INT, // scaleInitLevelSize
      UNSET_INT, // scaleSubsLevelSize
      UNSET_DOUBLE, // scalePriceIncrement (unset: no further scale fields)
      '', // hedgeType (empty: no hedgeParam)
      0, // optOutSmartRouting
      '', // clearingAccount
      '', // clearingIntent
      0, // notHeld
      0, // deltaNeutralContract present
      '', // algoStrategy (empty: no params)
      0, // solicited
      state.whatIf ? 1 : 0, // whatIf
      state.status,
      ...marginFields(state.whatIf),
      optionalDouble(state.commission),
      UNSET_DOUBLE, // minCommission
      UNSET_DOUBLE, // maxCommission
      state.commission === undefined ? '' : order.instrument.currency,
      '', // warningText
      0, // randomizeSize
      0, // randomizePrice
      0, // conditions count
      '', // adjustedOrderType
      UNSET_DOUBLE, // triggerPrice
      UNSET_DOUBLE, // trailStopPrice
      UNSET_DOUBLE, // lmtPriceOffset
      UNSET_DOUBLE, // adjustedStopPrice
      UNSET_DOUBLE, // adjustedStopLimitPrice
      UNSET_DOUBLE, // adjustedTrailingAmount
      0, // adjustableTrailingUnit
      '', // softDollarTier name
      '', // softDollarTier value
      '', // softDollarTier displayName
      UNSET_DOUBLE, // cashQty
      0, // dontUseAutoPriceForHedge
      0, // isOmsContainer
      0, // discretionaryUpToLimitPrice
      0, // usePriceMgmtAlgo
      UNSET_INT, // duration
      UNSET_INT, // postToAts
      0, // autoCancelParent
      UNSET_INT, // minTradeQty
      UNSET_INT, // minCompeteSize
      UNSET_DOUBLE, // competeAgainstBestOffset
      UNSET_DOUBLE, // midOffsetAtWhole
      UNSET_DOUBLE, // midOffsetAtHalf
    );
    if (version >= V.CUSTOMER_ACCOUNT) fields.push('');
    if (version >= V.PROFESSIONAL_CUSTOMER) fields.push(0);
    if (version >= V.BOND_ACCRUED_INTEREST) fields.push('');
    if (version >= V.INCLUDE_OVERNIGHT) fields.push(0);
    if (version >= V.CME_TAGGING_FIELDS_IN_OPEN_ORDER) fields.push('', UNSET_INT);
    return fields;
  },
  openOrderEnd: (): Fields => [IN.OPEN_ORDER_END, 1],

  /**
   * Completed order. IB's own decoders read the deprecated faProfile field below version 177;
   * `@stoqey/ib` 1.6.10 never does (it tests the message version, unbounded for this message), so
   * the caller says which layout the client expects.
   */
  completedOrder: (
    version: number,
    order: SimOrder,
    completedTimeText: string,
    withFaProfile: boolean,
  ): Fields => {
    const inst = order.instrument;
    const fields: Fields = [IN.COMPLETED_ORDER];
    fields.push(...stockContract(inst));
    fields.push(
      order.action,
      order.totalQuantity,
      order.orderType,
      optionalDouble(order.lmtPrice),
      UNSET_DOUBLE, // auxPrice
      order.tif,
      '', // ocaGroup
      order.account,
      '', // openClose
      0, // origin
      order.orderRef,
      order.permId,
      order.outsideRth,
      0, // hidden
      0, // discretionaryAmt
      '', // goodAfterTime
      '', // faGroup
      '', // faMethod
      '', // faPercentage
    );
    if (withFaProfile && version < V.FA_PROFILE_DESUPPORT) fields.push(''); // faProfile
    fields.push(
      '', // modelCode
      '', // goodTillDate
      '', // rule80A
      UNSET_DOUBLE, // percentOffset
      '', // settlingFirm
      0, // shortSaleSlot
      '', // designatedLocation
      -1, // exemptCode
      UNSET_DOUBLE, // startingPrice
      UNSET_DOUBLE, // stockRefPrice
      UNSET_DOUBLE, // delta
      UNSET_DOUBLE, // stockRangeLower
      UNSET_DOUBLE, // stockRangeUpper
      UNSET_INT, // displaySize
      0, // sweepToFill
      0, // allOrNone
      UNSET_INT, // minQty
      3, // ocaType
      0, // triggerMethod
      UNSET_DOUBLE, // volatility
      0, // volatilityType
      '', // deltaNeutralOrderType
      UNSET_DOUBLE, // deltaNeutralAuxPrice
      0, // continuousUpdate
      0, // referencePriceType
      UNSET_DOUBLE, // trailStopPrice
      UNSET_DOUBLE, // trailingPercent
      '', // comboLegsDescription
      0, // comboLegs count
      0, // orderComboLegs count
      0, // smartComboRoutingParams count
      UNSET_INT, // scaleInitLevelSize
      UNSET_INT, // scaleSubsLevelSize
      UNSET_DOUBLE, // scalePriceIncrement
      '', // hedgeType
      '', // clearingAccount
      '', // clearingIntent
      0, // notHeld
      0, // deltaNeutralContract present
      '', // algoStrategy
      0, // solicited
      order.status,
      0, // randomizeSize
      0, // randomizePrice
      0, // conditions count
      UNSET_DOUBLE, // trailStopPrice
      UNSET_DOUBLE, // lmtPriceOffset
      UNSET_DOUBLE, // cashQty
      0, // dontUseAutoPriceForHedge
      0, // isOmsContainer
      '', // autoCancelDate
      order.filled, // filledQuantity
      0, // refFuturesConId
      0, // autoCancelParent
      '', // shareholder
      0, // imbalanceOnly
      0, // routeMarketableToBbo
      0, // parentPermId
      completedTimeText,
      order.completedStatus,
      UNSET_INT, // minTradeQty
      UNSET_INT, // minCompeteSize
      UNSET_DOUBLE, // competeAgainstBestOffset
      UNSET_DOUBLE, // midOffsetAtWhole
      UNSET_DOUBLE, // midOffsetAtHalf
    );
    if (version >= V.CUSTOMER_ACCOUNT) fields.push('');
    if (version >= V.PROFESSIONAL_CUSTOMER) fields.push(0);
    return fields;
  },
  completedOrdersEnd: (): Fields => [IN.COMPLETED_ORDERS_END],

  execDetails: (version: number, reqId: number, exec: SimExecution, timeText: string): Fields => {
    const inst = exec.instrument;
    const fields: Fields = [IN.EXECUTION_DATA, reqId, exec.orderId];
    fields.push(...stockContract(inst));
    fields.push(
      exec.execId,
      timeText,
      exec.account,
      inst.primaryExchange, // the venue that executed
      exec.side,
      exec.shares,
      exec.price,
      exec.permId,
      exec.clientId,
      0, // liquidation
      exec.cumQty,
      exec.avgPrice,
      exec.orderRef,
      '', // evRule
      '', // evMultiplier
      '', // modelCode
      2, // lastLiquidity: removed liquidity
    );
    if (version >= V.PENDING_PRICE_REVISION) fields.push(0);
    return fields;
  },
  execDetailsEnd: (reqId: number): Fields => [IN.EXECUTION_DATA_END, 1, reqId],
  commissionReport: (exec: SimExecution): Fields => [
    IN.COMMISSION_REPORT,
    1,
    exec.execId,
    exec.commission,
    exec.instrument.currency,
    optionalDouble(exec.realizedPnl),
    UNSET_DOUBLE, // yield
    0, // yieldRedemptionDate
  ],

  position: (account: string, inst: Instrument, quantity: number, avgCost: number): Fields => [
    IN.POSITION,
    3,
    account,
    ...stockContract(inst),
    quantity,
    avgCost,
  ],
  positionEnd: (): Fields => [IN.POSITION_END, 1],
  positionMulti: (
    reqId: number,
    account: string,
    inst: Instrument,
    quantity: number,
    avgCost: number,
  ): Fields => [
    IN.POSITION_MULTI,
    1,
    reqId,
    account,
    ...stockContract(inst),
    quantity,
    avgCost,
    '', // modelCode
  ],
  positionMultiEnd: (reqId: number): Fields => [IN.POSITION_MULTI_END, 1, reqId],
  accountUpdateMulti: (
    reqId: number,
    account: string,
    key: string,
    value: string,
    currency: string,
  ): Fields => [
    IN.ACCOUNT_UPDATE_MULTI,
    1,
    reqId,
    account,
    '', // modelCode
    key,
    value,
    currency,
  ],
  accountUpdateMultiEnd: (reqId: number): Fields => [IN.ACCOUNT_UPDATE_MULTI_END, 1, reqId],
  accountSummary: (reqId: number, account: string, tag: string, value: string, currency: string): Fields => [
    IN.ACCOUNT_SUMMARY,
    1,
    reqId,
    account,
    tag,
    value,
    currency,
  ],
  accountSummaryEnd: (reqId: number): Fields => [IN.ACCOUNT_SUMMARY_END, 1, reqId],
  accountValue: (key: string, value: string, currency: string, account: string): Fields => [
    IN.ACCT_VALUE,
    2,
    key,
    value,
    currency,
    account,
  ],
  portfolioValue: (account: string, p: PortfolioLine): Fields => [
    IN.PORTFOLIO_VALUE,
    8,
    ...stockContract(p.instrument, p.instrument.primaryExchange),
    p.quantity,
    p.marketPrice,
    p.marketValue,
    p.averageCost,
    p.unrealizedPnl,
    p.realizedPnl,
    account,
  ],
  accountUpdateTime: (hhmm: string): Fields => [IN.ACCT_UPDATE_TIME, 1, hhmm],
  accountDownloadEnd: (account: string): Fields => [IN.ACCT_DOWNLOAD_END, 1, account],
  pnl: (reqId: number, daily: number, unrealized: number, realized: number): Fields => [
    IN.PNL,
    reqId,
    daily,
    unrealized,
    realized,
  ],
  pnlSingle: (
    reqId: number,
    position: number,
    daily: number,
    unrealized: number,
    realized: number,
    value: number,
  ): Fields => [IN.PNL_SINGLE, reqId, position, daily, unrealized, realized, value],
};

export interface OpenOrderState {
  status: string;
  commission: number | undefined;
  /** A what-if answer: the whatIf flag set and the margin figures before, change and after. */
  whatIf?: { before: MarginFigures; after: MarginFigures };
}

/** initMargin, maintMargin, equityWithLoan: before, change, after (unset unless what-if). */
function marginFields(whatIf: OpenOrderState['whatIf']): WireValue[] {
  if (!whatIf) return new Array<WireValue>(9).fill(UNSET_DOUBLE);
  const { before, after } = whatIf;
  const round = (value: number) => Math.round(value * 100) / 100;
  return [
    round(before.initMargin),
    round(before.maintMargin),
    round(before.equityWithLoan),
    round(after.initMargin - before.initMargin),
    round(after.maintMargin - before.maintMargin),
    round(after.equityWithLoan - before.equityWithLoan),
    round(after.initMargin),
    round(after.maintMargin),
    round(after.equityWithLoan),
  ];
}

export interface BarText {
  date: string;
  bar: Bar;
}

export interface PortfolioLine {
  instrument: Instrument;
  quantity: number;
  marketPrice: number;
  marketValue: number;
  averageCost: number;
  unrealizedPnl: number;
  realizedPnl: number;
}
