import type { Socket } from 'node:net';
import { encodeFrame, FrameDecoder, type WireValue } from './protocol/codec.js';

export interface MarketDataSubscription {
  reqId: number;
  symbol: string;
  /** Last values sent, by tick type, so only changes go out. */
  lastSent: Map<number, number>;
}

export interface HistorySubscription {
  reqId: number;
  symbol: string;
  barSizeSec: number;
  whatToShow: 'TRADES' | 'MIDPOINT' | 'ADJUSTED_LAST';
  useRth: boolean;
  formatDate: number;
  timeZoneId: string;
}

/** One client connection: protocol state, its subscriptions and its message-rate window. */
export class Session {
  readonly decoder: FrameDecoder;
  version = 0;
  clientMinVersion = 0;
  clientId: number | undefined;
  started = false;
  closed = false;
  silenced = false;
  marketDataType = 1;
  autoOpenOrders = false;
  accountUpdates = false;
  positions = false;
  readonly marketData = new Map<number, MarketDataSubscription>();
  readonly history = new Map<number, HistorySubscription>();
  readonly accountSummaries = new Map<number, string[]>();
  readonly pnl = new Set<number>();
  readonly pnlSingle = new Map<number, number>();
  nextOrderId = 1;
  rateWindow: number[] = [];
  rateDropped = 0;
  messagesSent = 0;

  constructor(
    readonly id: number,
    readonly socket: Socket,
    maxFrameBytes: number,
  ) {
    this.decoder = new FrameDecoder(maxFrameBytes);
  }

  get label(): string {
    return `session ${this.id}${this.clientId === undefined ? '' : ` (client ${this.clientId})`}`;
  }

  send(fields: readonly WireValue[]): void {
    if (this.closed || this.silenced || this.socket.destroyed) return;
    this.socket.write(encodeFrame(fields));
    this.messagesSent += 1;
  }

  sendRaw(frame: Buffer): void {
    if (this.closed || this.socket.destroyed) return;
    this.socket.write(frame);
  }
}
