import type { Clock } from '../core/clock.js';

interface OpenStream {
  sessionToken: string;
  end(): void;
}

// setTimeout holds at most 2^31-1 ms; a later expiry is re-armed by the session re-check.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The open server-sent event streams and the session each belongs to, so that a stream ends when its
 * session does: at logout, at expiry, and at shutdown (an open stream would keep the server alive).
 */
export class EventStreams {
  private readonly open = new Set<OpenStream>();

  constructor(private readonly clock: Clock) {}

  /**
   * Tracks a stream; `end` closes it (idempotent). Ends it by itself when the session expires.
   * Returns the function the stream calls once it has closed for any reason.
   */
  add(sessionToken: string, expiresAtMs: number, end: () => void): () => void {
    let timer: NodeJS.Timeout | undefined;
    const stream: OpenStream = {
      sessionToken,
      end: () => {
        clearTimeout(timer);
        this.open.delete(stream);
        end();
      },
    };
    this.open.add(stream);
    const left = expiresAtMs - this.clock.nowMs();
    if (left <= 0) stream.end();
    else if (left < MAX_TIMER_MS) timer = setTimeout(stream.end, left);
    return () => {
      clearTimeout(timer);
      this.open.delete(stream);
    };
  }

  endSession(sessionToken: string): void {
    for (const stream of [...this.open]) if (stream.sessionToken === sessionToken) stream.end();
  }

  endAll(): void {
    for (const stream of [...this.open]) stream.end();
  }

  get size(): number {
    return this.open.size;
  }
}
