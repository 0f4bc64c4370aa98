/**
 * The paper gateway's market: instruments, a deterministic price model (synthetic or replayed daily
 * bars with derived intraday paths) and the simulator clock.
 */
export { createSimClock, type SimClockOptions } from './clock.js';
export { exportDailyBarsAlphaCsv } from './export.js';
export {
  defaultInstruments,
  derivedConId,
  loadInstrumentsFile,
  referencePriceOf,
  withCurrentHours,
} from './instruments.js';
export {
  createReplayMarket,
  parseAlphaVantageCsv,
  type ReplayMarketModel,
  type ReplayMarketOptions,
} from './replay.js';
export { type PriceShock, ShockableMarket } from './shock.js';
export {
  createSyntheticMarket,
  PRICE_BAND,
  SYNTHETIC_ANCHOR_DAY,
  type SyntheticMarketOptions,
} from './synthetic.js';
export type {
  Bar,
  BarQuery,
  Instrument,
  MarketModel,
  Quote,
  SimClock,
  SimClockMode,
  WhatToShow,
} from './types.js';
