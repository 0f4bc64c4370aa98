/**
 * Incoming (client -> server) requests, parsed from their fields as IB's encoders lay them out at
 * server versions 176 to 193. Only the fields the gateway uses are kept; a trailing field a newer or
 * older client adds or omits does not matter because every message is framed.
 */
import { FieldReader, ProtocolError } from './codec.js';

export const OUT = {
  REQ_MKT_DATA: 1,
  CANCEL_MKT_DATA: 2,
  PLACE_ORDER: 3,
  CANCEL_ORDER: 4,
  REQ_OPEN_ORDERS: 5,
  REQ_ACCOUNT_DATA: 6,
  REQ_EXECUTIONS: 7,
  REQ_IDS: 8,
  REQ_CONTRACT_DATA: 9,
  REQ_AUTO_OPEN_ORDERS: 15,
  REQ_ALL_OPEN_ORDERS: 16,
  REQ_MANAGED_ACCTS: 17,
  REQ_HISTORICAL_DATA: 20,
  CANCEL_HISTORICAL_DATA: 25,
  REQ_CURRENT_TIME: 49,
  REQ_GLOBAL_CANCEL: 58,
  REQ_MARKET_DATA_TYPE: 59,
  REQ_POSITIONS: 61,
  REQ_ACCOUNT_SUMMARY: 62,
  CANCEL_ACCOUNT_SUMMARY: 63,
  CANCEL_POSITIONS: 64,
  START_API: 71,
  REQ_POSITIONS_MULTI: 74,
  CANCEL_POSITIONS_MULTI: 75,
  REQ_ACCOUNT_UPDATES_MULTI: 76,
  CANCEL_ACCOUNT_UPDATES_MULTI: 77,
  REQ_PNL: 92,
  CANCEL_PNL: 93,
  REQ_PNL_SINGLE: 94,
  CANCEL_PNL_SINGLE: 95,
  REQ_COMPLETED_ORDERS: 99,
} as const;

/** CME tagging fields changed cancelOrder's layout (no version field from then on). */
const CME_TAGGING_FIELDS = 192;

export interface ContractRef {
  conId: number;
  symbol: string;
  secType: string;
  exchange: string;
  primaryExchange: string;
  currency: string;
}

function readContract(r: FieldReader): ContractRef {
  const conId = r.int();
  const symbol = r.str();
  const secType = r.str();
  r.skip(3); // lastTradeDateOrContractMonth, strike, right
  r.str(); // multiplier
  const exchange = r.str();
  const primaryExchange = r.str();
  const currency = r.str();
  r.str(); // localSymbol
  r.str(); // tradingClass
  return { conId, symbol, secType, exchange, primaryExchange, currency };
}

export function parseStartApi(fields: string[]): { clientId: number } {
  const r = new FieldReader(fields, 'startApi');
  r.skip(2); // id, version
  return { clientId: r.int() };
}

export function parseReqContractDetails(fields: string[]): { reqId: number; contract: ContractRef } {
  const r = new FieldReader(fields, 'reqContractDetails');
  r.skip(2);
  const reqId = r.int();
  return { reqId, contract: readContract(r) };
}

export interface MktDataRequest {
  reqId: number;
  contract: ContractRef;
  genericTicks: string;
  snapshot: boolean;
}

export function parseReqMktData(fields: string[]): MktDataRequest {
  const r = new FieldReader(fields, 'reqMktData');
  r.skip(2);
  const reqId = r.int();
  const contract = readContract(r);
  if (contract.secType.toUpperCase() === 'BAG') {
    const legs = r.int();
    r.skip(legs * 4);
  }
  if (r.bool()) r.skip(3); // delta-neutral contract
  const genericTicks = r.str();
  const snapshot = r.bool();
  return { reqId, contract, genericTicks, snapshot };
}

export interface HistoricalRequest {
  reqId: number;
  contract: ContractRef;
  endDateTime: string;
  barSize: string;
  duration: string;
  useRth: boolean;
  whatToShow: string;
  formatDate: number;
  keepUpToDate: boolean;
}

export function parseReqHistoricalData(fields: string[]): HistoricalRequest {
  const r = new FieldReader(fields, 'reqHistoricalData');
  r.skip(1);
  const reqId = r.int();
  const contract = readContract(r);
  r.str(); // includeExpired
  const endDateTime = r.str();
  const barSize = r.str();
  const duration = r.str();
  const useRth = r.bool();
  const whatToShow = r.str();
  const formatDate = r.int();
  if (contract.secType.toUpperCase() === 'BAG') {
    const legs = r.int();
    r.skip(legs * 4);
  }
  const keepUpToDate = r.bool();
  return { reqId, contract, endDateTime, barSize, duration, useRth, whatToShow, formatDate, keepUpToDate };
}

export interface PlaceOrderRequest {
  orderId: number;
  contract: ContractRef;
  action: string;
  totalQuantity: number;
  orderType: string;
  lmtPrice: number | undefined;
  tif: string;
  account: string;
  orderRef: string;
  transmit: boolean;
  outsideRth: boolean;
  /** A what-if order: answered with the margin it would need, never placed. */
  whatIf: boolean;
}

/** The faProfile field left placeOrder at this server version. */
const FA_PROFILE_DESUPPORT = 177;

/**
 * Walks placeOrder from `hidden` to `whatIf` as IB's encoders lay it out for a stock order at server
 * versions 176 to 193. The count of fields depends on a few of them (delta-neutral, scale, hedge,
 * algo params), so those decide how far to skip. Combination (BAG) orders are not supported by the
 * gateway and read as not what-if; a client that sends fewer fields is not asking for a what-if.
 */
function readWhatIf(r: FieldReader, secType: string, version: number): boolean {
  if (secType.toUpperCase() === 'BAG') return false;
  const skip = (count: number) => {
    for (let i = 0; i < count; i++) r.optStr();
  };
  skip(1); // hidden
  skip(5); // sharesAllocation, discretionaryAmt, goodAfterTime, goodTillDate, faGroup
  skip(2); // faMethod, faPercentage
  if (version < FA_PROFILE_DESUPPORT) skip(1); // faProfile
  skip(1); // modelCode
  skip(3); // shortSaleSlot, designatedLocation, exemptCode
  // ocaType, rule80A, settlingFirm, allOrNone, minQty, percentOffset, eTradeOnly, firmQuoteOnly,
  // nbboPriceCap, auctionStrategy, startingPrice, stockRefPrice, delta, stockRangeLower, stockRangeUpper
  skip(15);
  skip(1); // overridePercentageConstraints
  skip(2); // volatility, volatilityType
  const deltaNeutralOrderType = r.optStr();
  skip(1); // deltaNeutralAuxPrice
  if (deltaNeutralOrderType !== '') skip(8); // conId, settlingFirm, clearing x2, openClose, shortSale x2, location
  skip(2); // continuousUpdate, referencePriceType
  skip(2); // trailStopPrice, trailingPercent
  skip(2); // scaleInitLevelSize, scaleSubsLevelSize
  if (r.optStr() !== '') skip(7); // scalePriceIncrement, then its adjustments
  skip(3); // scaleTable, activeStartTime, activeStopTime
  if (r.optStr() !== '') skip(1); // hedgeType, hedgeParam
  skip(1); // optOutSmartRouting
  skip(2); // clearingAccount, clearingIntent
  skip(1); // notHeld
  if (r.optStr() === '1') skip(3); // deltaNeutralContract: conId, delta, price
  if (r.optStr() !== '') {
    // algoStrategy, then its parameter count and tag/value pairs
    const count = Number(r.optStr() || '0');
    skip(Number.isInteger(count) && count > 0 ? count * 2 : 0);
  }
  skip(1); // algoId
  const flag = r.optStr();
  return flag === '1' || flag.toLowerCase() === 'true';
}

export function parsePlaceOrder(fields: string[], version = 0): PlaceOrderRequest {
  const r = new FieldReader(fields, 'placeOrder');
  r.skip(1);
  const orderId = r.int();
  const contract = readContract(r);
  r.skip(2); // secIdType, secId
  const action = r.str().toUpperCase();
  const quantity = r.optNumber();
  const orderType = r.str().toUpperCase();
  const lmtPrice = r.optNumber();
  r.optNumber(); // auxPrice
  const tif = r.str().toUpperCase();
  r.str(); // ocaGroup
  const account = r.str();
  r.str(); // openClose
  r.str(); // origin
  const orderRef = r.str();
  const transmitText = r.str();
  r.str(); // parentId
  r.skip(4); // blockOrder, sweepToFill, displaySize, triggerMethod
  const outsideRth = r.bool();
  const whatIf = readWhatIf(r, contract.secType, version);
  return {
    orderId,
    contract,
    action,
    totalQuantity: quantity ?? 0,
    orderType,
    lmtPrice,
    tif,
    account,
    orderRef,
    // An empty transmit field is what @stoqey/ib sends for `transmit: undefined`; TWS treats it as false.
    transmit: transmitText === '1' || transmitText.toLowerCase() === 'true',
    outsideRth,
    whatIf,
  };
}

export function parseCancelOrder(fields: string[], version: number): { orderId: number } {
  const r = new FieldReader(fields, 'cancelOrder');
  r.skip(version < CME_TAGGING_FIELDS ? 2 : 1);
  return { orderId: r.int() };
}

export interface ExecutionFilter {
  reqId: number;
  clientId: number;
  acctCode: string;
  time: string;
  symbol: string;
  secType: string;
  exchange: string;
  side: string;
}

export function parseReqExecutions(fields: string[]): ExecutionFilter {
  const r = new FieldReader(fields, 'reqExecutions');
  r.skip(2);
  return {
    reqId: r.int(),
    clientId: r.int(),
    acctCode: r.str(),
    time: r.str(),
    symbol: r.str(),
    secType: r.str(),
    exchange: r.str(),
    side: r.str(),
  };
}

/** [id, version, reqId, ...]: most simple requests. */
export function parseVersionedReqId(fields: string[], name: string): number {
  const r = new FieldReader(fields, name);
  r.skip(2);
  return r.int();
}

/** [id, reqId, ...]: the newer unversioned requests (PnL). */
export function parseReqId(fields: string[], name: string): number {
  const r = new FieldReader(fields, name);
  r.skip(1);
  return r.int();
}

export function parseReqAccountSummary(fields: string[]): { reqId: number; group: string; tags: string[] } {
  const r = new FieldReader(fields, 'reqAccountSummary');
  r.skip(2);
  const reqId = r.int();
  const group = r.str();
  const tags = r
    .str()
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  return { reqId, group, tags };
}

export function parseReqAccountUpdates(fields: string[]): { subscribe: boolean; account: string } {
  const r = new FieldReader(fields, 'reqAccountUpdates');
  r.skip(2);
  return { subscribe: r.bool(), account: r.optStr() };
}

/** reqPositionsMulti and reqAccountUpdatesMulti: [id, version, reqId, account, modelCode, ...]. */
export function parseMultiRequest(fields: string[], name: string): { reqId: number; account: string } {
  const r = new FieldReader(fields, name);
  r.skip(2);
  return { reqId: r.int(), account: r.str() };
}

export function parseReqPnL(fields: string[]): { reqId: number; account: string; modelCode: string } {
  const r = new FieldReader(fields, 'reqPnL');
  r.skip(1);
  return { reqId: r.int(), account: r.str(), modelCode: r.optStr() };
}

export function parseReqPnLSingle(fields: string[]): {
  reqId: number;
  account: string;
  modelCode: string;
  conId: number;
} {
  const r = new FieldReader(fields, 'reqPnLSingle');
  r.skip(1);
  return { reqId: r.int(), account: r.str(), modelCode: r.str(), conId: r.int() };
}

export function parseSingleInt(fields: string[], name: string, index: number): number {
  const r = new FieldReader(fields, name);
  r.skip(index);
  return r.int();
}

export function parseSingleBool(fields: string[], name: string, index: number): boolean {
  const r = new FieldReader(fields, name);
  r.skip(index);
  return r.bool();
}

export function messageId(fields: string[]): number {
  const raw = fields[0] ?? '';
  if (!/^\d{1,4}$/.test(raw)) throw new ProtocolError(`message id "${raw.slice(0, 20)}" is not a number`);
  return Number(raw);
}
