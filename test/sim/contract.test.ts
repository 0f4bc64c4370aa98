import {
  BarSizeSetting,
  type CommissionReport,
  type Contract,
  type ContractDetails,
  EventName,
  type Execution,
  type IBApi,
  type Order,
  OrderAction,
  type OrderState,
  OrderType,
  SecType,
} from '@stoqey/ib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimGatewayHandle, startSimGateway } from '../../src/sim/index.js';
import { createFakeMarket, createSteppedClock, OPEN_TUESDAY_MS } from './fakes.js';
import { delay, TestClient } from './ib-client.js';

type WhatToShowArg = Parameters<IBApi['reqHistoricalData']>[5];
type TifArg = Order['tif'];

const aapl: Contract = { symbol: 'AAPL', secType: SecType.STK, exchange: 'SMART', currency: 'USD' };
const msft: Contract = { symbol: 'MSFT', secType: SecType.STK, exchange: 'SMART', currency: 'USD' };

function order(action: OrderAction, quantity: number, extra: Partial<Order> = {}): Order {
  return {
    action,
    totalQuantity: quantity,
    orderType: OrderType.MKT,
    tif: 'DAY' as TifArg,
    transmit: true,
    ...extra,
  };
}

describe.each([176, 178, 193])('IBApi against the sim at server version %i', (version) => {
  let sim: SimGatewayHandle;
  let client: TestClient;
  const market = createFakeMarket(7);
  const clock = createSteppedClock(OPEN_TUESDAY_MS);

  beforeAll(async () => {
    sim = await startSimGateway({
      market,
      clock,
      maxServerVersion: version,
      tickCadenceMs: 20,
      maxMessagesPerSecond: 0,
      maxMarketDataLines: 3,
      historyUpdateMs: 100,
      pnlUpdateMs: 100_000,
      controlPort: null,
    });
    client = new TestClient(sim.port);
    await client.connect(5);
  });

  afterAll(async () => {
    client.disconnect();
    await sim.close();
    expect(client.decoderProblems).toEqual([]);
  });

  it('negotiates the version and sends accounts, next id and farm status', async () => {
    expect(client.api.serverVersion).toBe(version);
    expect(client.accounts).toBe('DU1234567');
    expect(client.nextValidId).toBeGreaterThanOrEqual(1);
    await delay(50);
    expect(client.infos.map((i) => i.code)).toEqual(expect.arrayContaining([2104, 2106, 2158]));
  });

  it('answers currentTime with the sim clock', async () => {
    const answer = client.next<[number]>(EventName.currentTime);
    client.api.reqCurrentTime();
    const [time] = await answer;
    expect(time).toBe(Math.floor(clock.nowMs() / 1000));
  });

  it('answers reqIds with nextValidId', async () => {
    const answer = client.next<[number]>(EventName.nextValidId);
    client.api.reqIds();
    const [id] = await answer;
    expect(id).toBeGreaterThanOrEqual(1);
  });

  it('returns contract details for a known symbol and error 200 for an unknown one', async () => {
    const details = client.collect<[number, ContractDetails]>(
      EventName.contractDetails,
      EventName.contractDetailsEnd,
    );
    client.api.reqContractDetails(11, aapl);
    const items = await details;
    expect(items).toHaveLength(1);
    const [reqId, d] = items[0] ?? [];
    expect(reqId).toBe(11);
    expect(d?.contract.conId).toBe(265598);
    expect(d?.contract.symbol).toBe('AAPL');
    expect(d?.contract.exchange).toBe('SMART');
    expect(d?.contract.primaryExch).toBe('NASDAQ');
    expect(d?.contract.currency).toBe('USD');
    expect(d?.minTick).toBe(0.01);
    expect(d?.longName).toBe('AAPL INC');
    expect(d?.industry).toBe('Computers');
    expect(d?.category).toBe('Computers');
    expect(d?.timeZoneId).toBe('US/Eastern');
    expect(d?.tradingHours).toContain('0930');
    expect(d?.minSize).toBe(1);

    const unknown = client.next<[Error, number, number]>(EventName.error, (_e, code) => code === 200);
    client.api.reqContractDetails(12, { ...aapl, symbol: 'NOPE' });
    const [, code, id] = await unknown;
    expect(code).toBe(200);
    expect(id).toBe(12);
  });

  it('streams market data ticks matching the model, then stops after cancel', async () => {
    const quote = market.quoteAt('AAPL', clock.nowMs());
    const ticks = new Map<number, number>();
    const onPrice = (reqId: number, type: number, price: number) => {
      if (reqId === 21) ticks.set(type, price);
    };
    const sizes = new Map<number, number>();
    const onSize = (reqId: number, type: number, size: number) => {
      if (reqId === 21) sizes.set(type, size);
    };
    const strings = new Map<number, string>();
    const onString = ((reqId: number, type: number, value: string) => {
      if (reqId === 21) strings.set(type, value);
    }) as never;
    const generics = new Map<number, number>();
    const onGeneric = ((reqId: number, type: number, value: number) => {
      if (reqId === 21) generics.set(type, value);
    }) as never;
    client.api.on(EventName.tickPrice, onPrice);
    client.events.on(EventName.tickSize, onSize);
    client.events.on(EventName.tickString, onString);
    client.events.on(EventName.tickGeneric, onGeneric);
    const params = client.next<[number, number, string, number]>(EventName.tickReqParams, (id) => id === 21);
    const dataType = client.next<[number, number]>(EventName.marketDataType, (id) => id === 21);
    client.api.reqMarketDataType(1);
    client.api.reqMktData(21, aapl, '', false, false);
    const [, , bbo] = await params;
    expect(bbo).toBe('SMART');
    expect((await dataType)[1]).toBe(1);
    await delay(100);
    expect(ticks.get(1)).toBe(quote?.bid);
    expect(ticks.get(2)).toBe(quote?.ask);
    expect(ticks.get(4)).toBe(quote?.last);
    expect(ticks.get(6)).toBe(quote?.high);
    expect(ticks.get(7)).toBe(quote?.low);
    expect(ticks.get(9)).toBe(quote?.close);
    expect(ticks.get(14)).toBe(quote?.open);
    expect(sizes.get(0)).toBe(quote?.bidSize);
    expect(sizes.get(3)).toBe(quote?.askSize);
    expect(sizes.get(5)).toBe(quote?.lastSize);
    expect(sizes.get(8)).toBe(quote?.volume);
    expect(strings.get(45)).toBe(String(Math.floor(clock.nowMs() / 1000)));
    expect(generics.get(49)).toBe(0);

    clock.advance(60_000);
    const moved = market.quoteAt('AAPL', clock.nowMs());
    await delay(100);
    expect(sizes.get(8)).toBe(moved?.volume);
    expect(ticks.get(4)).toBe(moved?.last);

    client.api.cancelMktData(21);
    await delay(50);
    ticks.clear();
    clock.advance(60_000);
    await delay(100);
    expect(ticks.size).toBe(0);
    client.api.off(EventName.tickPrice, onPrice);
    client.events.off(EventName.tickSize, onSize);
    client.events.off(EventName.tickString, onString);
    client.events.off(EventName.tickGeneric, onGeneric);
  });

  it('answers a snapshot request with ticks then tickSnapshotEnd', async () => {
    const prices: number[] = [];
    const onPrice = (reqId: number, type: number) => {
      if (reqId === 22) prices.push(type);
    };
    client.api.on(EventName.tickPrice, onPrice);
    const end = client.next<[number]>(EventName.tickSnapshotEnd, (id) => id === 22);
    client.api.reqMktData(22, msft, '', true, false);
    await end;
    client.api.off(EventName.tickPrice, onPrice);
    expect(prices).toEqual(expect.arrayContaining([1, 2, 4, 6, 7, 9, 14]));
  });

  it('enforces the market data line limit with error 101', async () => {
    client.api.reqMktData(31, aapl, '', false, false);
    client.api.reqMktData(32, msft, '', false, false);
    client.api.reqMktData(33, aapl, '', false, false);
    const limit = client.next<[Error, number, number]>(EventName.error, (_e, code) => code === 101);
    client.api.reqMktData(34, msft, '', false, false);
    const [, , reqId] = await limit;
    expect(reqId).toBe(34);
    for (const id of [31, 32, 33]) client.api.cancelMktData(id);
  });

  it('serves daily and intraday historical bars, live updates, and pacing errors', async () => {
    const daily: Array<[number, string, number, number, number, number, number]> = [];
    const onBar = (...args: [number, string, number, number, number, number, number]) => daily.push(args);
    client.api.on(EventName.historicalData, onBar);
    const done = client.next<[number, string]>(
      EventName.historicalData,
      (id, date) => id === 41 && date.startsWith('finished'),
    );
    client.api.reqHistoricalData(
      41,
      aapl,
      '',
      '1 W',
      BarSizeSetting.DAYS_ONE,
      'TRADES' as WhatToShowArg,
      1,
      1,
      false,
    );
    await done;
    const bars = daily.filter(([id, date]) => id === 41 && !date.startsWith('finished'));
    expect(bars.length).toBeGreaterThanOrEqual(4);
    expect(bars[0]?.[1]).toMatch(/^\d{8}$/);
    const expected = market.bars('AAPL', {
      endMs: clock.nowMs(),
      durationSec: 7 * 86_400,
      barSizeSec: 86_400,
      whatToShow: 'TRADES',
      useRth: true,
    });
    expect(bars.map((b) => b[2])).toEqual(expected.map((b) => b.open));
    expect(bars.map((b) => b[5])).toEqual(expected.map((b) => b.close));

    const intradayDone = client.next<[number, string]>(
      EventName.historicalData,
      (id, date) => id === 42 && date.startsWith('finished'),
    );
    client.api.reqHistoricalData(
      42,
      aapl,
      '',
      '3600 S',
      BarSizeSetting.MINUTES_FIVE,
      'MIDPOINT' as WhatToShowArg,
      1,
      1,
      true,
    );
    await intradayDone;
    const intraday = daily.filter(([id, date]) => id === 42 && !date.startsWith('finished'));
    const expectedIntraday = market.bars('AAPL', {
      endMs: clock.nowMs(),
      durationSec: 3600,
      barSizeSec: 300,
      whatToShow: 'MIDPOINT',
      useRth: true,
    });
    expect(expectedIntraday.length).toBeGreaterThan(0);
    expect(intraday.map((b) => b[5])).toEqual(expectedIntraday.map((b) => b.close));
    expect(intraday[0]?.[1]).toMatch(/^\d{8} \d{2}:\d{2}:\d{2} US\/Eastern$/);
    client.api.off(EventName.historicalData, onBar);
    const [reqId, date, open] = await client.next<[number, string, number]>(
      EventName.historicalDataUpdate,
      (id) => id === 42,
    );
    expect(reqId).toBe(42);
    expect(date).toMatch(/US\/Eastern$/);
    expect(open).toBeGreaterThan(0);
    client.api.cancelHistoricalData(42);

    const pacing = client.next<[Error, number, number]>(
      EventName.error,
      (_e, code, id) => code === 162 && id === 43,
    );
    client.api.reqHistoricalData(
      43,
      aapl,
      '',
      '1 W',
      BarSizeSetting.DAYS_ONE,
      'TRADES' as WhatToShowArg,
      1,
      1,
      false,
    );
    const [error] = await pacing;
    expect(error.message).toMatch(/pacing/i);
  });

  it('fills a market order with the full openOrder/orderStatus/execDetails/commissionReport sequence', async () => {
    const orderId = client.nextValidId + 100;
    const quote = market.quoteAt('AAPL', clock.nowMs());
    const opens: Array<[number, Contract, Order, OrderState]> = [];
    const onOpen = (...args: [number, Contract, Order, OrderState]) => {
      if (args[0] === orderId) opens.push(args);
    };
    const statuses: Array<[number, string, number, number, number]> = [];
    const onStatus = (...args: [number, string, number, number, number]) => {
      if (args[0] === orderId) statuses.push(args);
    };
    client.api.on(EventName.openOrder, onOpen);
    client.api.on(EventName.orderStatus, onStatus);
    const exec = client.next<[number, Contract, Execution]>(
      EventName.execDetails,
      (_r, _c, e) => e.orderId === orderId,
    );
    const commission = client.next<[CommissionReport]>(EventName.commissionReport);
    client.api.placeOrder(orderId, aapl, order(OrderAction.BUY, 10, { orderRef: 'intent-buy-1' }));
    const [reqId, contract, execution] = await exec;
    const [report] = await commission;
    await delay(50);
    client.api.off(EventName.openOrder, onOpen);
    client.api.off(EventName.orderStatus, onStatus);

    expect(reqId).toBe(-1);
    expect(contract.symbol).toBe('AAPL');
    expect(contract.conId).toBe(265598);
    expect(execution.side).toBe('BOT');
    expect(execution.shares).toBe(10);
    expect(execution.price).toBe(quote?.ask);
    expect(execution.orderRef).toBe('intent-buy-1');
    expect(execution.acctNumber).toBe('DU1234567');
    expect(execution.clientId).toBe(5);
    expect(execution.cumQty).toBe(10);
    expect(report.execId).toBe(execution.execId);
    expect(report.commission).toBe(1);
    expect(report.currency).toBe('USD');

    expect(opens.map((o) => o[3].status)).toEqual(['PreSubmitted', 'Submitted', 'Filled']);
    for (const [, c, o] of opens) {
      expect(c.symbol).toBe('AAPL');
      expect(o.orderRef).toBe('intent-buy-1');
      expect(o.action).toBe('BUY');
      expect(o.totalQuantity).toBe(10);
      expect(o.account).toBe('DU1234567');
      expect(o.clientId).toBe(5);
    }
    const filled = statuses.filter((s) => s[1] === 'Filled');
    expect(filled.length).toBeGreaterThanOrEqual(2);
    expect(filled[0]?.[2]).toBe(10);
    expect(filled[0]?.[3]).toBe(0);
    expect(filled[0]?.[4]).toBe(quote?.ask);
  });

  it('keeps a non-marketable limit order working and cancels it with 202', async () => {
    const orderId = client.nextValidId + 200;
    const submitted = client.next<[number, string]>(
      EventName.orderStatus,
      (id, status) => id === orderId && status === 'Submitted',
    );
    client.api.placeOrder(
      orderId,
      msft,
      order(OrderAction.BUY, 5, {
        orderType: OrderType.LMT,
        lmtPrice: 1,
        orderRef: 'lmt-1',
        tif: 'GTC' as TifArg,
      }),
    );
    await submitted;

    const open = client.collect<[number, Contract, Order, OrderState]>(
      EventName.openOrder,
      EventName.openOrderEnd,
    );
    client.api.reqOpenOrders();
    const opens = await open;
    const mine = opens.find((o) => o[0] === orderId);
    expect(mine?.[2].orderRef).toBe('lmt-1');
    expect(mine?.[2].lmtPrice).toBe(1);
    expect(mine?.[2].tif).toBe('GTC');

    const all = client.collect<[number]>(EventName.openOrder, EventName.openOrderEnd);
    client.api.reqAllOpenOrders();
    expect((await all).some((o) => o[0] === orderId)).toBe(true);

    const cancelled = client.next<[number, string]>(
      EventName.orderStatus,
      (id, status) => id === orderId && status === 'Cancelled',
    );
    const code202 = client.next<[Error, number, number]>(
      EventName.error,
      (_e, code, id) => code === 202 && id === orderId,
    );
    client.api.cancelOrder(orderId);
    await cancelled;
    await code202;
  });

  it('rejects bad orders with IB codes', async () => {
    const base = client.nextValidId + 300;
    const zero = client.next<[Error, number, number]>(EventName.error, (_e, _c, id) => id === base);
    client.api.placeOrder(base, aapl, order(OrderAction.BUY, 0));
    expect((await zero)[1]).toBe(434);

    const unknown = client.next<[Error, number, number]>(EventName.error, (_e, _c, id) => id === base + 1);
    client.api.placeOrder(base + 1, { ...aapl, symbol: 'NOPE' }, order(OrderAction.BUY, 1));
    expect((await unknown)[1]).toBe(200);

    const tooBig = client.next<[Error, number, number]>(EventName.error, (_e, _c, id) => id === base + 2);
    client.api.placeOrder(base + 2, aapl, order(OrderAction.BUY, 1_000_000));
    const [error, code] = await tooBig;
    expect(code).toBe(201);
    expect(error.message).toMatch(/EQUITY WITH LOAN VALUE/);
  });

  it('lists completed orders and filtered executions', async () => {
    const completed = client.collect<[Contract, Order, OrderState]>(
      EventName.completedOrder,
      EventName.completedOrdersEnd,
    );
    client.api.reqCompletedOrders(false);
    const done = await completed;
    const filled = done.find((c) => c[1].orderRef === 'intent-buy-1');
    expect(filled?.[0].symbol).toBe('AAPL');
    expect(filled?.[2].status).toBe('Filled');
    expect(filled?.[1].filledQuantity).toBe(10);
    expect(done.some((c) => c[1].orderRef === 'lmt-1' && c[2].status === 'Cancelled')).toBe(true);

    const execs = client.collect<[number, Contract, Execution]>(
      EventName.execDetails,
      EventName.execDetailsEnd,
    );
    client.api.reqExecutions(51, { symbol: 'AAPL', side: 'BUY' });
    const list = await execs;
    expect(list).toHaveLength(1);
    expect(list[0]?.[0]).toBe(51);
    expect(list[0]?.[2].orderRef).toBe('intent-buy-1');

    const none = client.collect<[number]>(EventName.execDetails, EventName.execDetailsEnd);
    client.api.reqExecutions(52, { side: 'SELL' });
    expect(await none).toHaveLength(0);
  });

  it('reports the account: summary, updates, positions and PnL', async () => {
    const summary = client.collect<[number, string, string, string, string]>(
      EventName.accountSummary,
      EventName.accountSummaryEnd,
    );
    client.api.reqAccountSummary(61, 'All', 'NetLiquidation,BuyingPower,TotalCashValue,AvailableFunds');
    const tags = new Map((await summary).map((s) => [s[2], Number(s[3])]));
    expect(tags.get('TotalCashValue')).toBeLessThan(1_000_000);
    expect(tags.get('NetLiquidation')).toBeGreaterThan(990_000);
    expect(tags.get('BuyingPower')).toBeCloseTo((tags.get('AvailableFunds') ?? 0) * 2, 0);

    const values: Array<[string, string, string, string]> = [];
    const onValue = (...args: [string, string, string, string]) => values.push(args);
    client.api.on(EventName.updateAccountValue, onValue);
    const portfolio = client.next<[Contract, number, number, number, number, number, number, string]>(
      EventName.updatePortfolio,
    );
    const time = client.next<[string]>(EventName.updateAccountTime);
    const end = client.next<[string]>(EventName.accountDownloadEnd);
    client.api.reqAccountUpdates(true, 'DU1234567');
    const [contract, position, , , averageCost, , , account] = await portfolio;
    expect((await time)[0]).toMatch(/^\d{2}:\d{2}$/);
    expect((await end)[0]).toBe('DU1234567');
    client.api.off(EventName.updateAccountValue, onValue);
    client.api.reqAccountUpdates(false, 'DU1234567');
    expect(contract.symbol).toBe('AAPL');
    expect(position).toBe(10);
    expect(averageCost).toBeGreaterThan(0);
    expect(account).toBe('DU1234567');
    expect(values.some(([key]) => key === 'NetLiquidation')).toBe(true);

    const positions = client.collect<[string, Contract, number, number]>(
      EventName.position,
      EventName.positionEnd,
    );
    client.api.reqPositions();
    const list = await positions;
    client.api.cancelPositions();
    expect(list.find((p) => p[1].symbol === 'AAPL')?.[2]).toBe(10);

    const multi = client.collect<[number, string, string, Contract, number, number]>(
      EventName.positionMulti,
      EventName.positionMultiEnd,
    );
    client.api.reqPositionsMulti(73, 'DU1234567', '');
    const multiList = await multi;
    expect(multiList.find((p) => p[3].symbol === 'AAPL')?.[4]).toBe(10);
    expect(multiList[0]?.[0]).toBe(73);

    const updates = client.collect<[number, string, string, string, string, string]>(
      EventName.accountUpdateMulti,
      EventName.accountUpdateMultiEnd,
    );
    client.api.reqAccountUpdatesMulti(74, 'DU1234567', '', false);
    const updateList = await updates;
    expect(updateList.find((u) => u[3] === 'NetLiquidation')?.[1]).toBe('DU1234567');

    const pnl = client.next<[number, number, number, number]>(EventName.pnl, (id) => id === 71);
    client.api.reqPnL(71, 'DU1234567', '');
    const [, , unrealized, realized] = await pnl;
    expect(typeof unrealized).toBe('number');
    expect(realized).toBe(0);
    client.api.cancelPnL(71);

    const single = client.next<[number, number, number, number, number, number]>(
      EventName.pnlSingle,
      (id) => id === 72,
    );
    client.api.reqPnLSingle(72, 'DU1234567', '', 265598);
    const [, pos, , , , value] = await single;
    expect(pos).toBe(10);
    expect(value).toBeGreaterThan(0);
    client.api.cancelPnLSingle(72);
  });

  it('answers an unsupported request with an error instead of crashing', async () => {
    const info = client.next<[string, number]>(EventName.info, (_m, code) => code === 321);
    client.api.reqNewsProviders();
    const [message] = await info;
    expect(message).toMatch(/not supported/);
    const answer = client.next<[number]>(EventName.currentTime);
    client.api.reqCurrentTime();
    await answer;
  });
});
