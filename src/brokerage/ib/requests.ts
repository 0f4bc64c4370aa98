import type { IBApi } from '@stoqey/ib';
import { BrokerTimeoutError } from '../port.js';
import type { IbConnection } from './connection.js';

interface OpenRequest<S, R> {
  state: S;
  finish(result: R): void;
  fail(error: Error): void;
}

/**
 * Requests keyed by a request id: each gets a timeout, fails on an error carrying its id and on the
 * end of the session (never left to be answered by a later session).
 */
export class RequestBook<S, R> {
  private readonly open = new Map<number, OpenRequest<S, R>>();

  constructor(
    private readonly connection: IbConnection,
    private readonly what: string,
    private readonly timeoutMs: number,
  ) {}

  get(reqId: number): OpenRequest<S, R> | undefined {
    return this.open.get(reqId);
  }

  run(
    initial: S,
    send: (api: IBApi, reqId: number) => void,
    onDone?: (api: IBApi, reqId: number) => void,
  ): Promise<R> {
    let api: IBApi;
    try {
      api = this.connection.requireApi(this.what);
    } catch (error) {
      return Promise.reject(error);
    }
    const reqId = this.connection.nextRequestId();
    return new Promise<R>((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        unwatch();
        this.open.delete(reqId);
      };
      const timer = setTimeout(() => {
        cleanup();
        onDone?.(api, reqId);
        reject(new BrokerTimeoutError(this.what, this.timeoutMs));
      }, this.timeoutMs);
      const unwatch = this.connection.watchRequest(reqId, (error) => {
        cleanup();
        reject(error);
      });
      this.open.set(reqId, {
        state: initial,
        finish: (result) => {
          cleanup();
          onDone?.(api, reqId);
          resolve(result);
        },
        fail: (error) => {
          cleanup();
          reject(error);
        },
      });
      send(api, reqId);
    });
  }
}

/**
 * Requests IB answers without an id (open orders, completed orders, positions): one at a time.
 * Every caller gets an answer to a request sent after its call, so the answer reflects everything
 * the caller sent before (an order placed just before asking for open orders is in the answer):
 * callers that arrive while one is in flight share the one request sent after it.
 */
export class SharedRequest<S, R> {
  private inflight: { state: S; finish(result: R): void; promise: Promise<R> } | null = null;
  private following: Promise<R> | null = null;

  constructor(
    private readonly connection: IbConnection,
    private readonly what: string,
    private readonly timeoutMs: number,
  ) {}

  get state(): S | undefined {
    return this.inflight?.state;
  }

  finish(result: R): void {
    this.inflight?.finish(result);
  }

  run(initial: () => S, send: (api: IBApi) => void): Promise<R> {
    const inflight = this.inflight;
    if (!inflight) return this.start(initial, send);
    if (!this.following) {
      const after = () => {
        this.following = null;
        // A request someone started since the last one ended was sent after these callers asked.
        return this.inflight ? this.inflight.promise : this.start(initial, send);
      };
      this.following = inflight.promise.then(after, after);
    }
    return this.following;
  }

  private start(initial: () => S, send: (api: IBApi) => void): Promise<R> {
    let api: IBApi;
    try {
      api = this.connection.requireApi(this.what);
    } catch (error) {
      return Promise.reject(error);
    }
    let finish: (result: R) => void = () => {};
    const promise = new Promise<R>((resolve, reject) => {
      const cleanup = () => {
        clearTimeout(timer);
        unlost();
        this.inflight = null;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new BrokerTimeoutError(this.what, this.timeoutMs));
      }, this.timeoutMs);
      const unlost = this.connection.onSessionLost((error) => {
        cleanup();
        reject(error);
      });
      finish = (result) => {
        cleanup();
        resolve(result);
      };
    });
    this.inflight = { state: initial(), finish, promise };
    send(api);
    return promise;
  }
}
