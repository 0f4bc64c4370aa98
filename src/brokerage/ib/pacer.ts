import type { IBApi } from '@stoqey/ib';

const WINDOW_MS = 1000;

/**
 * Paces outgoing messages so that no 1000 ms window ever holds more than `perSecond` of them, with
 * an even spacing of 1000 / perSecond ms in between. IB counts every client message against about
 * 50 per second and answers the excess with error 100 (the request is dropped, not queued).
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
      this.sentAt.push(now);
      if (this.sentAt.length > this.perSecond) this.sentAt.shift();
      send();
    }
  }

  private earliestSendMs(now: number): number {
    let at = Math.max(now, this.nextSlotMs - this.spacingMs / 2);
    const oldest = this.sentAt.length >= this.perSecond ? this.sentAt[0] : undefined;
    if (oldest !== undefined) at = Math.max(at, oldest + WINDOW_MS);
    return at;
  }
}

/** The library's outgoing path: `Controller.sendMsg` hands every encoded request to `rateLimiter`. */
interface ControllerInternals {
  controller?: { rateLimiter?: unknown; socket?: { send?: unknown } };
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
  // The socket is looked up at send time, as the library's own throttle does.
  const send = (tokens: unknown[]) => (controller.socket as { send(tokens: unknown[]): void }).send(tokens);
  controller.rateLimiter = (tokens: unknown[]) => pacer.push(() => send(tokens));
  return pacer;
}
