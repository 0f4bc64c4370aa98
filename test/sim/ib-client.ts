import { EventName, IBApi } from '@stoqey/ib';

type Listener = (...args: never[]) => void;

/** IBApi's typed overloads, loosened for generic test helpers. */
export interface LooseEmitter {
  on(event: EventName, listener: Listener): unknown;
  once(event: EventName, listener: Listener): unknown;
  off(event: EventName, listener: Listener): unknown;
}

export interface RecordedError {
  message: string;
  code: number;
  reqId: number;
}

/**
 * A low-level `IBApi` connected to the sim, recording every decoder complaint ("unprocessed data",
 * "underrun", unknown message) so a test can assert there were none.
 */
export class TestClient {
  readonly api: IBApi;
  readonly errors: RecordedError[] = [];
  readonly infos: Array<{ message: string; code: number }> = [];
  readonly decoderProblems: string[] = [];
  nextValidId = -1;

  get events(): LooseEmitter {
    return this.api as unknown as LooseEmitter;
  }
  accounts = '';

  constructor(port: number, options: { maxReqPerSec?: number } = {}) {
    this.api = new IBApi({ host: '127.0.0.1', port, maxReqPerSec: options.maxReqPerSec ?? 1000 });
    this.api.on(EventName.error, (error: Error, code: number, reqId: number) => {
      this.errors.push({ message: error.message, code, reqId });
      // The decoder reports its own problems (unprocessed data, underrun, unknown message) as 505.
      if (code === 505 || /unprocessed|underrun|no parser|decoding error/i.test(error.message)) {
        this.decoderProblems.push(error.message);
      }
    });
    this.api.on(EventName.info, (message: string, code: number) => {
      this.infos.push({ message, code });
      if (/unprocessed|underrun|no parser|decoding error/i.test(message)) this.decoderProblems.push(message);
    });
    this.api.on(EventName.nextValidId, (id: number) => {
      this.nextValidId = id;
    });
    this.api.on(EventName.managedAccounts, (accounts: string) => {
      this.accounts = accounts;
    });
  }

  async connect(clientId: number, timeoutMs = 5000): Promise<void> {
    const ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no nextValidId')), timeoutMs);
      this.api.once(EventName.nextValidId, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.api.connect(clientId);
    await ready;
  }

  /** Resolves with the arguments of the next `event` whose arguments satisfy `match`. */
  next<T extends unknown[]>(
    event: EventName,
    match: (...args: T) => boolean = () => true,
    timeoutMs = 5000,
  ): Promise<T> {
    return new Promise((resolve, reject) => {
      const listener = (...args: unknown[]) => {
        if (!match(...(args as T))) return;
        clearTimeout(timer);
        this.events.off(event, listener);
        resolve(args as T);
      };
      const timer = setTimeout(() => {
        this.events.off(event, listener);
        reject(new Error(`timed out waiting for ${event}`));
      }, timeoutMs);
      this.events.on(event, listener);
    });
  }

  /** Collects `event` arguments until `until` fires (inclusive of nothing after it). */
  collect<T extends unknown[]>(event: EventName, until: EventName, timeoutMs = 5000): Promise<T[]> {
    const items: T[] = [];
    const listener = (...args: unknown[]) => items.push(args as T);
    this.events.on(event, listener);
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.events.off(event, listener);
        resolve(items);
      };
      const timer = setTimeout(() => {
        this.events.off(event, listener);
        this.events.off(until, done);
        reject(new Error(`timed out waiting for ${until}`));
      }, timeoutMs);
      this.events.once(until, done);
    });
  }

  nextError(code: number, timeoutMs = 5000): Promise<RecordedError> {
    const seen = this.errors.find((e) => e.code === code);
    if (seen) return Promise.resolve(seen);
    return this.next<[Error, number, number]>(EventName.error, (_e, c) => c === code, timeoutMs).then(
      ([error, c, reqId]) => ({ message: error.message, code: c, reqId }),
    );
  }

  disconnect(): void {
    this.api.disconnect();
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
