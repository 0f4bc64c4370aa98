import { type ContractDetails, EventName, SecType } from '@stoqey/ib';
import type { BrokerContract, ContractQuery } from '../port.js';
import type { IbConnection } from './connection.js';
import { toBrokerContract } from './decode.js';
import { RequestBook } from './requests.js';

/** reqContractDetails: every match; an unknown symbol rejects with BrokerRequestError 200. */
export function createContractResolver(connection: IbConnection, timeoutMs: number) {
  const book = new RequestBook<BrokerContract[], BrokerContract[]>(connection, 'contract details', timeoutMs);
  connection.attach((api) => {
    api.on(EventName.contractDetails, (reqId: number, details: ContractDetails) => {
      book.get(reqId)?.state.push(toBrokerContract(details));
    });
    api.on(EventName.contractDetailsEnd, (reqId: number) => {
      const open = book.get(reqId);
      open?.finish(open.state);
    });
  });
  return {
    resolve(query: ContractQuery): Promise<BrokerContract[]> {
      return book.run([], (api, reqId) => {
        api.reqContractDetails(reqId, {
          symbol: query.symbol.toUpperCase(),
          secType: SecType.STK,
          exchange: query.exchange ?? 'SMART',
          primaryExch: query.primaryExchange,
          currency: query.currency ?? 'USD',
        });
      });
    },
  };
}
