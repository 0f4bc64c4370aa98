/**
 * The market side the gateway consumes, as defined by ./market. The protocol side depends only on
 * these shapes, so tests can drive it with a small fake market and clock.
 */
export type { Bar, BarQuery, Instrument, MarketModel, Quote, SimClock, WhatToShow } from './market/index.js';
