/**
 * The built-in paper gateway: a TCP server that speaks IB's TWS socket protocol (server versions
 * 176..193) on top of the market model in ./market, with a loopback control API for fault injection.
 */
export type { OrderLogEntry } from './broker/broker.js';
export type { SimExecution, SimOrder } from './broker/types.js';
export { type FaultName, faultSchemas } from './control.js';
export type { SimLogger } from './gateway.js';
export type { Bar, BarQuery, Instrument, MarketModel, Quote, SimClock, WhatToShow } from './ports.js';
export { MAX_SUPPORTED_VERSION, MIN_SUPPORTED_VERSION } from './protocol/messages.js';
export { type StandaloneSimOptions, startStandaloneSim } from './standalone.js';
export { type SimFaults, type SimGatewayHandle, type SimGatewayOptions, startSimGateway } from './start.js';
