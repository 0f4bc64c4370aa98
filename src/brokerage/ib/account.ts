import { type Contract, EventName } from '@stoqey/ib';
import type { AccountPnl, AccountSummary, BrokerPosition, PortfolioPosition } from '../port.js';
import type { IbConnection } from './connection.js';
import { RequestBook, SharedRequest } from './requests.js';

const SUMMARY_TAGS = [
  'NetLiquidation',
  'TotalCashValue',
  'BuyingPower',
  'AvailableFunds',
  'ExcessLiquidity',
  'GrossPositionValue',
  'InitMarginReq',
  'MaintMarginReq',
] as const;

/** IB sends Double.MAX_VALUE for "unset". */
function pnlValue(n: number | undefined): number | null {
  return n === undefined || !Number.isFinite(n) || Math.abs(n) > 1e300 ? null : n;
}

type SummaryRows = Array<{ account: string; tag: string; value: string; currency: string }>;

export function createAccount(connection: IbConnection, timeoutMs: number, configuredAccount?: string) {
  const positions = new SharedRequest<BrokerPosition[], BrokerPosition[]>(connection, 'positions', timeoutMs);
  const summaries = new RequestBook<SummaryRows, SummaryRows>(connection, 'account summary', timeoutMs);
  const portfolio = new SharedRequest<PortfolioPosition[], PortfolioPosition[]>(
    connection,
    'account updates',
    timeoutMs,
  );
  const pnls = new RequestBook<null, AccountPnl>(connection, 'pnl', timeoutMs);
  const tradedAccount = (): string =>
    connection.modeCheck().account ?? configuredAccount ?? connection.state().managedAccounts[0] ?? '';
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
    api.on(
      EventName.updatePortfolio,
      (
        contract: Contract,
        quantity: number,
        marketPrice: number,
        marketValue: number,
        averageCost?: number,
        unrealizedPnl?: number,
        realizedPnl?: number,
        account?: string,
      ) => {
        portfolio.state?.push({
          account: account ?? '',
          symbol: (contract.symbol ?? '').toUpperCase(),
          conId: contract.conId ?? 0,
          quantity,
          avgCost: averageCost ?? 0,
          marketPrice,
          marketValue,
          unrealizedPnl: pnlValue(unrealizedPnl) ?? 0,
          realizedPnl: pnlValue(realizedPnl) ?? 0,
        });
      },
    );
    api.on(EventName.accountDownloadEnd, () => {
      const rows = portfolio.state;
      if (rows) portfolio.finish(rows);
    });
    api.on(EventName.pnl, (reqId: number, dailyPnl: number, unrealizedPnl?: number, realizedPnl?: number) => {
      pnls.get(reqId)?.finish({
        dailyPnl: pnlValue(dailyPnl),
        unrealizedPnl: pnlValue(unrealizedPnl),
        realizedPnl: pnlValue(realizedPnl),
      });
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
      const optional = (tag: string): number | undefined => {
        const raw = mine.find((r) => r.tag === tag)?.value;
        const n = Number(raw);
        return raw !== undefined && raw !== '' && Number.isFinite(n) ? n : undefined;
      };
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
        ...margin('initMarginReq', optional('InitMarginReq')),
        ...margin('maintMarginReq', optional('MaintMarginReq')),
      };
    },
    async portfolio(): Promise<PortfolioPosition[]> {
      const account = tradedAccount();
      const rows = await portfolio.run(
        () => [],
        (api) => api.reqAccountUpdates(true, account),
      );
      try {
        // One download is what the monitor wants; staying subscribed would stream into nobody.
        connection.requireApi('stop account updates').reqAccountUpdates(false, account);
      } catch {
        // session gone: nothing to stop
      }
      return rows.filter((p) => p.quantity !== 0 && (!account || p.account === account || p.account === ''));
    },
    async pnl(): Promise<AccountPnl> {
      const account = tradedAccount();
      return pnls.run(
        null,
        (api, reqId) => api.reqPnL(reqId, account, null),
        (api, reqId) => {
          try {
            api.cancelPnL(reqId);
          } catch {
            // session gone
          }
        },
      );
    },
  };
}

function margin(key: 'initMarginReq' | 'maintMarginReq', value: number | undefined): Partial<AccountSummary> {
  return value === undefined ? {} : { [key]: value };
}
