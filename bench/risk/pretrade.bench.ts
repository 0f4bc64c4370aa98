/**
 * Pre-trade rules over a 500-order list (issue goal: < 50 ms for all rules). Prints the median and
 * the slowest of many rounds, and each rule's share.
 */
import { performance } from 'node:perf_hooks';
import { checkPreTrade, DEFAULT_PRE_TRADE_RULES, type PreTradeInput } from '../../src/risk/index.js';

const ORDERS = 500;
const ROUNDS = 200;
const sectors = ['Information Technology', 'Health Care', 'Financials', 'Industrials', 'Energy'];

function input(): PreTradeInput {
  const orders: PreTradeInput['orders'][number][] = [];
  const positions = new Map<string, number>();
  const prices = new Map<string, number>();
  const previousClose = new Map<string, number>();
  const averageDailyVolume = new Map<string, number>();
  const sectorOf = new Map<string, string>();
  for (let i = 0; i < ORDERS; i++) {
    const symbol = `S${i}`;
    const price = 20 + (i % 300);
    orders.push({ symbol, side: i % 3 === 0 ? 'SELL' : 'BUY', quantity: 10 + (i % 40), price });
    positions.set(symbol, 100);
    prices.set(symbol, price);
    previousClose.set(symbol, price * 1.01);
    averageDailyVolume.set(symbol, 1_000_000);
    sectorOf.set(symbol, sectors[i % sectors.length] ?? 'unknown');
  }
  return {
    orders,
    account: { accountId: 'DU1234567', mode: 'paper', netLiquidation: 50_000_000, cash: 20_000_000 },
    positions,
    prices,
    previousClose,
    averageDailyVolume,
    sectors: sectorOf,
    margin: { initMarginAfter: 10_000_000, maintMarginAfter: 8_000_000, equityWithLoanAfter: 50_000_000 },
    tradingState: 'ACTIVE',
  };
}

const data = input();
const limits = { maxSectorWeight: 1 };
const times: number[] = [];
let passed = false;
for (let round = 0; round < ROUNDS; round++) {
  const started = performance.now();
  passed = checkPreTrade(data, limits).passed;
  times.push(performance.now() - started);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(ROUNDS / 2)] ?? 0;
console.log(
  `pre-trade rules over ${ORDERS} orders: median ${median.toFixed(3)} ms, max ${(times.at(-1) ?? 0).toFixed(3)} ms over ${ROUNDS} rounds, the first cold (goal < 50 ms); list passed: ${passed}`,
);
const parsedLimits = checkPreTrade(data, limits).limits;
for (const rule of DEFAULT_PRE_TRADE_RULES) {
  const started = performance.now();
  for (let round = 0; round < ROUNDS; round++) rule.check(data, parsedLimits);
  console.log(`  ${rule.name.padEnd(10)} ${((performance.now() - started) / ROUNDS).toFixed(3)} ms per list`);
}
