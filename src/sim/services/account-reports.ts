import type { GatewayContext } from '../context.js';
import type { Instrument } from '../ports.js';
import { msg } from '../protocol/messages.js';
import type { Session } from '../session.js';
import { localParts } from '../time-format.js';

const ACCOUNT_SUMMARY_TAGS = [
  'AccountType',
  'NetLiquidation',
  'TotalCashValue',
  'SettledCash',
  'BuyingPower',
  'EquityWithLoanValue',
  'GrossPositionValue',
  'InitMarginReq',
  'MaintMarginReq',
  'AvailableFunds',
  'ExcessLiquidity',
  'Cushion',
  'Leverage',
] as const;

/** The account as IB reports it: summary, account updates, positions and PnL. */
export class AccountReports {
  constructor(private readonly ctx: GatewayContext) {}

  // ---------------------------------------------------------------- account

  /** After a fill: account updates, the position and account summaries to subscribed sessions. */
  publishChange(instrument: Instrument): void {
    for (const session of this.ctx.sessions()) {
      if (!session.started) continue;
      if (session.accountUpdates) this.sendAccountUpdates(session, false);
      if (session.positions) {
        const p = this.ctx.broker.account.positions.get(instrument.symbol);
        if (p) session.send(msg.position(this.ctx.config.account, instrument, p.quantity, p.averageCost));
      }
      for (const [reqId, tags] of session.accountSummaries) this.sendAccountSummary(session, reqId, tags);
    }
  }

  accountFigures(now: number): Array<[string, string]> {
    const v = this.ctx.broker.account.values(now);
    const money = (n: number) => n.toFixed(2);
    return [
      ['AccountType', 'INDIVIDUAL'],
      ['NetLiquidation', money(v.netLiquidation)],
      ['TotalCashValue', money(v.cash)],
      ['SettledCash', money(v.cash)],
      ['BuyingPower', money(v.buyingPower)],
      ['EquityWithLoanValue', money(v.equityWithLoanValue)],
      ['GrossPositionValue', money(v.grossPositionValue)],
      ['InitMarginReq', money(v.initMarginReq)],
      ['MaintMarginReq', money(v.maintMarginReq)],
      ['AvailableFunds', money(v.availableFunds)],
      ['ExcessLiquidity', money(v.excessLiquidity)],
      ['Cushion', v.netLiquidation > 0 ? (v.excessLiquidity / v.netLiquidation).toFixed(6) : '0'],
      ['Leverage', v.netLiquidation > 0 ? (v.grossPositionValue / v.netLiquidation).toFixed(4) : '0'],
      ['UnrealizedPnL', money(v.unrealizedPnl)],
      ['RealizedPnL', money(v.realizedPnl)],
      ['CashBalance', money(v.cash)],
    ];
  }

  sendAccountSummary(session: Session, reqId: number, tags: string[]): void {
    const wanted = new Set(tags.includes('All') ? ACCOUNT_SUMMARY_TAGS : tags);
    for (const [tag, value] of this.accountFigures(this.ctx.clock.nowMs())) {
      if (!wanted.has(tag)) continue;
      session.send(
        msg.accountSummary(reqId, this.ctx.config.account, tag, value, tag === 'AccountType' ? '' : 'USD'),
      );
    }
    session.send(msg.accountSummaryEnd(reqId));
  }

  sendAccountUpdates(session: Session, full: boolean): void {
    const now = this.ctx.clock.nowMs();
    const account = this.ctx.config.account;
    for (const [key, value] of this.accountFigures(now)) {
      session.send(msg.accountValue(key, value, key === 'AccountType' ? '' : 'USD', account));
    }
    for (const p of this.ctx.broker.account.positions.values()) {
      if (!full && p.quantity === 0) continue;
      const price = this.ctx.broker.account.markPrice(p.instrument, now, p.averageCost);
      session.send(
        msg.portfolioValue(account, {
          instrument: p.instrument,
          quantity: p.quantity,
          marketPrice: round4(price),
          marketValue: round2(p.quantity * price),
          averageCost: round4(p.averageCost),
          unrealizedPnl: round2(p.quantity * (price - p.averageCost)),
          realizedPnl: round2(p.realizedPnl),
        }),
      );
    }
    const local = localParts(now, this.ctx.config.timeZone);
    session.send(msg.accountUpdateTime(local.time.slice(0, 5)));
    if (full) session.send(msg.accountDownloadEnd(account));
  }

  sendPositions(session: Session): void {
    for (const p of this.ctx.broker.account.positions.values()) {
      session.send(msg.position(this.ctx.config.account, p.instrument, p.quantity, p.averageCost));
    }
    session.send(msg.positionEnd());
  }

  sendPnl(session: Session, reqId: number): void {
    const v = this.ctx.broker.account.values(this.ctx.clock.nowMs());
    session.send(msg.pnl(reqId, round2(v.dailyPnl), round2(v.unrealizedPnl), round2(v.realizedPnl)));
  }

  sendPnlSingle(session: Session, reqId: number, conId: number): void {
    const now = this.ctx.clock.nowMs();
    const position = [...this.ctx.broker.account.positions.values()].find(
      (p) => p.instrument.conId === conId,
    );
    if (!position) {
      session.send(msg.pnlSingle(reqId, 0, 0, 0, 0, 0));
      return;
    }
    const price = this.ctx.broker.account.markPrice(position.instrument, now, position.averageCost);
    session.send(
      msg.pnlSingle(
        reqId,
        position.quantity,
        round2(this.ctx.broker.account.dailyPnlOf(position, now)),
        round2(position.quantity * (price - position.averageCost)),
        round2(position.realizedPnl),
        round2(position.quantity * price),
      ),
    );
  }

  /** reqPnL / reqPnLSingle subscriptions: IB sends them about once a second. */
  onPnlTimer(): void {
    for (const session of this.ctx.sessions()) {
      if (!session.started || session.silenced) continue;
      for (const reqId of session.pnl) this.sendPnl(session, reqId);
      for (const [reqId, conId] of session.pnlSingle) this.sendPnlSingle(session, reqId, conId);
    }
  }
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function round4(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}
