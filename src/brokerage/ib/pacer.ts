import type { IBApi } from '@stoqey/ib';

const WINDOW_MS = 1000;

/**
 * The default outgoing rate. At an even 47/s, 51 messages (IB's error 100 at 50/s) can only land in
 * one second at the gateway when it reads them bunched by more than about 50 ms (50 spacings of
 * 21.3 ms less 1000 ms, less the pacer's own half-spacing tolerance); at 48/s that margin was about
 * 30 ms and was used up in 7 of 10 plain rebalances against a separate gateway process. A 500-order
 * rebalance still goes out within 10% of IB's floor (10.6 s against 10 s).
 */
export const DEFAULT_MESSAGES_PER_SECOND = 47;

/**
 * Paces outgoing messages so that no 1000 ms window ever holds more than `perSecond` of them, with
 * an even spacing of 1000 / perSecond ms in between. IB counts every client message against about
 * 50 per second and answers the excess with error 100 (the request is dropped, not queued). It
 * counts where the messages arrive, after timers, the event loop and TCP have bunched them, so the
 * rate set here must stay below 50 by a real margin (see `DEFAULT_MESSAGES_PER_SECOND`), and the
 * window counts every message that left the socket, paced here or not (`noteSent`).
 *
 * Spacing follows an ideal schedule (a generic cell rate algorithm: each slot is the previous slot
 * plus the spacing, with half a spacing of tolerance), so late timers do not add up into a lower
 * rate; the window check over the real send times caps the catch-up that the tolerance allows.
 */
export class MessagePacer {
  private readonly queue: Array<() => void> = [];
  /** Real send times of the last `perSecond` messages, oldest first. */
  private readonly sentAt: number[] = [];
  /** The ideal time of the next send. */
  private nextSlotMs = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private readonly spacingMs: number;
  private total = 0;

  constructor(
    private readonly perSecond: number,
    private readonly nowMs: () => number = () => performance.now(),
  ) {
    if (!Number.isInteger(perSecond) || perSecond < 1) {
      throw new RangeError(`messages per second must be a positive integer, got ${perSecond}`);
    }
    this.spacingMs = WINDOW_MS / perSecond;
  }

  /** Sends now when a slot is free, else queues in order. */
  push(send: () => void): void {
    this.queue.push(send);
    this.drain();
  }

  /** A message that left without waiting for a slot (the handshake): it counts in the window all the same. */
  noteSent(): void {
    this.record(this.nowMs());
  }

  /** Messages sent since the start, paced or not. */
  sentCount(): number {
    return this.total;
  }

  /** Messages waiting for a slot. */
  backlog(): number {
    return this.queue.length;
  }

  /** About how long a message pushed now waits before it is sent. */
  delayMs(): number {
    return this.queue.length * this.spacingMs;
  }

  private drain(): void {
    if (this.timer) return;
    for (let send = this.queue[0]; send !== undefined; send = this.queue[0]) {
      const now = this.nowMs();
      const at = this.earliestSendMs(now);
      if (at > now) {
        this.timer = setTimeout(
          () => {
            this.timer = undefined;
            this.drain();
          },
          Math.max(1, Math.ceil(at - now)),
        );
        return;
      }
      this.queue.shift();
      this.nextSlotMs = Math.max(this.nextSlotMs, now) + this.spacingMs;
      this.record(now);
      send();
    }
  }

  private record(now: number): void {
    this.total += 1;
    this.sentAt.push(now);
    if (this.sentAt.length > this.perSecond) this.sentAt.shift();
  }

  private earliestSendMs(now: number): number {
    let at = Math.max(now, this.nextSlotMs - this.spacingMs / 2);
    const oldest = this.sentAt.length >= this.perSecond ? this.sentAt[0] : undefined;
    if (oldest !== undefined) at = Math.max(at, oldest + WINDOW_MS);
    return at;
  }
}

/**
 * The library's outgoing path: `Controller.sendMsg` hands every encoded request to `rateLimiter`,
 * which calls `socket.send`; only the handshake calls `socket.send` directly. `socket.client` is the
 * TCP socket of the current connection.
 */
interface SocketInternals {
  send?: unknown;
  client?: { setNoDelay?: (noDelay: boolean) => unknown };
}
interface ControllerInternals {
  controller?: { rateLimiter?: unknown; socket?: SocketInternals };
}

/**
 * Replaces `@stoqey/ib`'s own throttle with a `MessagePacer`. The library meters its limit as
 * ceil(rate / 10) messages per 100 ms bucket, so a sliding second can hold 10% more than asked and
 * any setting from 41 to 50 really sends 50/s with bursts past IB's limit; its highest safe setting
 * (40/s) leaves a fifth of IB's budget unused. Returns undefined, leaving the library's throttle in
 * place, when this library version is not built as expected (the unit test then fails loudly).
 */
export function installMessagePacer(api: IBApi, perSecond: number): MessagePacer | undefined {
  const controller = (api as unknown as ControllerInternals).controller;
  if (
    !controller ||
    typeof controller.rateLimiter !== 'function' ||
    typeof controller.socket?.send !== 'function'
  ) {
    return undefined;
  }
  const pacer = new MessagePacer(perSecond);
  const socket = controller.socket as SocketInternals & { send(tokens: unknown[]): void };
  const socketSend = socket.send.bind(socket);
  let pacing = false;
  let tunedClient: unknown;
  socket.send = (tokens: unknown[]) => {
    // Node leaves Nagle's algorithm on: small messages written while an earlier one waits for its
    // ACK leave together, and IB counts them as arriving in the same instant.
    const client = socket.client;
    if (client && client !== tunedClient && typeof client.setNoDelay === 'function') {
      client.setNoDelay(true);
      tunedClient = client;
    }
    if (!pacing) pacer.noteSent();
    socketSend(tokens);
  };
  controller.rateLimiter = (tokens: unknown[]) =>
    pacer.push(() => {
      pacing = true;
      try {
        socket.send(tokens);
      } finally {
        pacing = false;
      }
    });
  return pacer;
}
