import { type Contract, EventName } from '@stoqey/ib';
import type { AccountSummary, BrokerPosition } from '../port.js';
import type { IbConnection } from './connection.js';
import { RequestBook, SharedRequest } from './requests.js';

const SUMMARY_TAGS = [
  'NetLiquidation',
  'TotalCashValue',
  'BuyingPower',
  'AvailableFunds',
  'ExcessLiquidity',
  'GrossPositionValue',
] as const;

type SummaryRows = Array<{ account: string; tag: string; value: string; currency: string }>;

export function createAccount(connection: IbConnection, timeoutMs: number, configuredAccount?: string) {
  const positions = new SharedRequest<BrokerPosition[], BrokerPosition[]>(connection, 'positions', timeoutMs);
  const summaries = new RequestBook<SummaryRows, SummaryRows>(connection, 'account summary', timeoutMs);
  connection.attach((api) => {
    api.on(EventName.position, (account: string, contract: Contract, pos: number, avgCost?: number) => {
      positions.state?.push({
        account,
        symbol: (contract.symbol ?? '').toUpperCase(),
        conId: contract.conId ?? 0,
        quantity: pos,
        avgCost: avgCost ?? 0,
      });
    });
    api.on(EventName.positionEnd, () => {
      const rows = positions.state;
      if (rows) positions.finish(rows);
    });
    api.on(
      EventName.accountSummary,
      (reqId: number, account: string, tag: string, value: string, currency: string) => {
        summaries.get(reqId)?.state.push({ account, tag, value, currency });
      },
    );
    api.on(EventName.accountSummaryEnd, (reqId: number) => {
      const open = summaries.get(reqId);
      open?.finish(open.state);
    });
  });

  return {
    async positions(): Promise<BrokerPosition[]> {
      const rows = await positions.run(
        () => [],
        (api) => api.reqPositions(),
      );
      try {
        connection.requireApi('cancel positions').cancelPositions();
      } catch {
        // session gone: nothing to cancel
      }
      // Positions are per account; report the traded account's only.
      const account = connection.modeCheck().account ?? configuredAccount;
      return rows.filter((p) => p.quantity !== 0 && (!account || p.account === account));
    },
    async summary(): Promise<AccountSummary> {
      const rows = await summaries.run(
        [],
        (api, reqId) => api.reqAccountSummary(reqId, 'All', SUMMARY_TAGS.join(',')),
        (api, reqId) => {
          try {
            api.cancelAccountSummary(reqId);
          } catch {
            // session gone
          }
        },
      );
      const account = connection.modeCheck().account ?? configuredAccount ?? rows[0]?.account ?? '';
      const mine = rows.filter((r) => r.account === account);
      const value = (tag: string) => {
        const n = Number(mine.find((r) => r.tag === tag)?.value);
        return Number.isFinite(n) ? n : 0;
      };
      return {
        account,
        currency: mine.find((r) => r.tag === 'NetLiquidation')?.currency ?? 'USD',
        netLiquidation: value('NetLiquidation'),
        totalCash: value('TotalCashValue'),
        buyingPower: value('BuyingPower'),
        availableFunds: value('AvailableFunds'),
        excessLiquidity: value('ExcessLiquidity'),
        grossPositionValue: value('GrossPositionValue'),
      };
    },
  };
}
