import { type BarSizeSetting, EventName, type WhatToShow } from '@stoqey/ib';
import type { BarRequest, BrokerBar } from '../port.js';
import type { IbConnection } from './connection.js';
import { formatIbUtc, parseIbTime, toIbContract } from './decode.js';
import { RequestBook } from './requests.js';

/** reqHistoricalData without live updates; dates as epoch seconds (formatDate 2). */
export function createHistory(connection: IbConnection, timeoutMs: number) {
  const book = new RequestBook<BrokerBar[], BrokerBar[]>(connection, 'historical data', timeoutMs);
  connection.attach((api) => {
    api.on(
      EventName.historicalData,
      (
        reqId: number,
        time: string,
        open: number,
        high: number,
        low: number,
        close: number,
        volume: number,
        count: number | undefined,
        wap: number,
      ) => {
        const request = book.get(reqId);
        if (!request) return;
        if (time.startsWith('finished')) {
          request.finish(request.state);
          return;
        }
        const timeMs = parseIbTime(time);
        if (timeMs === undefined) return;
        request.state.push({ timeMs, open, high, low, close, volume, wap, count: count ?? 0 });
      },
    );
  });
  return {
    bars(request: BarRequest): Promise<BrokerBar[]> {
      return book.run([], (api, reqId) => {
        api.reqHistoricalData(
          reqId,
          toIbContract(request.contract),
          request.endMs === null ? '' : formatIbUtc(request.endMs),
          request.duration,
          request.barSize as BarSizeSetting,
          request.whatToShow as WhatToShow,
          request.useRth ? 1 : 0,
          2,
          false,
        );
      });
    },
  };
}
