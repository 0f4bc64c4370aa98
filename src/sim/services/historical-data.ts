import type { Clock } from '../../core/clock.js';
import { type GatewayContext, UNKNOWN_CONTRACT } from '../context.js';
import { HistoryPacer, HistoryRequestError, parseBarSize, parseDuration, parseEndTime } from '../history.js';
import type { WhatToShow } from '../ports.js';
import { type BarText, msg } from '../protocol/messages.js';
import { parseReqHistoricalData } from '../protocol/requests.js';
import type { HistorySubscription, Session } from '../session.js';
import { localParts, zonedDateTimeText } from '../time-format.js';

/** reqHistoricalData: bars from the market model, IB's pacing rules, keepUpToDate updates. */
export class HistoricalDataService {
  private readonly pacer: HistoryPacer;

  constructor(
    private readonly ctx: GatewayContext,
    wallClock: Clock,
  ) {
    this.pacer = new HistoryPacer(ctx.config.pacing, wallClock);
  }

  // ---------------------------------------------------------------- historical data

  request(session: Session, fields: string[]): void {
    const request = parseReqHistoricalData(fields);
    const reqId = request.reqId;
    const instrument = this.ctx.resolve(request.contract);
    if (!instrument) {
      session.send(msg.error(reqId, 200, UNKNOWN_CONTRACT));
      return;
    }
    const whatToShow = request.whatToShow.toUpperCase();
    if (whatToShow !== 'TRADES' && whatToShow !== 'MIDPOINT' && whatToShow !== 'ADJUSTED_LAST') {
      session.send(
        msg.error(
          reqId,
          321,
          `Error validating request.-'bP' : cause - Historical data query: whatToShow ${request.whatToShow} is not supported`,
        ),
      );
      return;
    }
    if (this.ctx.faults.forcedPacing > 0) {
      this.ctx.faults.forcedPacing -= 1;
      session.send(msg.error(reqId, 162, 'Historical Market Data Service error message:Pacing violation'));
      return;
    }
    const requestKey = [
      instrument.symbol,
      request.endDateTime,
      request.duration,
      request.barSize,
      whatToShow,
      request.useRth,
    ].join('|');
    const violation = this.pacer.check(requestKey, `${instrument.symbol}|${whatToShow}`);
    if (violation) {
      session.send(msg.error(reqId, 162, violation));
      return;
    }
    if (request.keepUpToDate && request.endDateTime.trim() !== '') {
      session.send(
        msg.error(
          reqId,
          321,
          "Error validating request.-'bP' : cause - End date not supported with live updates",
        ),
      );
      return;
    }
    let endMs: number;
    let durationSec: number;
    let barSizeSec: number;
    try {
      const now = this.ctx.clock.nowMs();
      endMs = Math.min(parseEndTime(request.endDateTime, now, instrument.timeZoneId), now);
      durationSec = parseDuration(request.duration);
      barSizeSec = parseBarSize(request.barSize);
    } catch (error) {
      if (!(error instanceof HistoryRequestError)) throw error;
      session.send(msg.error(reqId, 321, `Error validating request.-'bP' : cause - ${error.message}`));
      return;
    }
    const query = {
      endMs,
      durationSec,
      barSizeSec,
      whatToShow: whatToShow as WhatToShow,
      useRth: request.useRth,
    };
    const bars = this.ctx.faults.stoppedSymbols.has(instrument.symbol)
      ? []
      : this.ctx.market.bars(instrument.symbol, query);
    if (bars.length === 0) {
      session.send(
        msg.error(
          reqId,
          162,
          `Historical Market Data Service error message:HMDS query returned no data: ${instrument.symbol}@SMART ${whatToShow}`,
        ),
      );
      return;
    }
    const formatDate = request.formatDate === 2 ? 2 : 1;
    const barTexts: BarText[] = bars.map((bar) => ({
      date: barDateText(bar.timeMs, barSizeSec, formatDate, instrument.timeZoneId),
      bar,
    }));
    const startMs = endMs - durationSec * 1000;
    session.send(
      msg.historicalData(
        reqId,
        zonedDateTimeText(startMs, instrument.timeZoneId),
        zonedDateTimeText(endMs, instrument.timeZoneId),
        barTexts,
      ),
    );
    if (request.keepUpToDate) {
      const sub: HistorySubscription = {
        reqId,
        symbol: instrument.symbol,
        barSizeSec,
        whatToShow: whatToShow as WhatToShow,
        useRth: request.useRth,
        formatDate,
        timeZoneId: instrument.timeZoneId,
      };
      session.history.set(reqId, sub);
    }
  }

  /** keepUpToDate: the current bar of every live request. */
  onUpdateTimer(): void {
    const now = this.ctx.clock.nowMs();
    for (const session of this.ctx.sessions()) {
      if (!session.started || session.silenced) continue;
      for (const sub of session.history.values()) this.sendHistoryUpdate(session, sub, now);
    }
  }

  sendHistoryUpdate(session: Session, sub: HistorySubscription, now: number): void {
    if (!this.ctx.dataAvailable(sub.symbol)) return;
    const bars = this.ctx.market.bars(sub.symbol, {
      endMs: now,
      durationSec: sub.barSizeSec,
      barSizeSec: sub.barSizeSec,
      whatToShow: sub.whatToShow,
      useRth: sub.useRth,
    });
    const bar = bars[bars.length - 1];
    if (!bar) return;
    session.send(
      msg.historicalDataUpdate(sub.reqId, {
        date: barDateText(bar.timeMs, sub.barSizeSec, sub.formatDate, sub.timeZoneId),
        bar,
      }),
    );
  }
}

/**
 * Daily bar dates by zone and bar time. Formatting through Intl for every bar of every request was a
 * visible share of a year's daily request; a daily bar's time recurs in every later request, and
 * there are only a few thousand sessions per zone.
 */
const dailyDates = new Map<string, Map<number, string>>();

function dailyDateText(timeMs: number, timeZone: string): string {
  let dates = dailyDates.get(timeZone);
  if (!dates) {
    dates = new Map();
    dailyDates.set(timeZone, dates);
  }
  let text = dates.get(timeMs);
  if (text === undefined) {
    text = localParts(timeMs, timeZone).date;
    // A bound all the same, should a caller ask for many zones or centuries.
    if (dates.size >= 100_000) dates.clear();
    dates.set(timeMs, text);
  }
  return text;
}

function barDateText(timeMs: number, barSizeSec: number, formatDate: number, timeZone: string): string {
  if (barSizeSec >= 86_400) return dailyDateText(timeMs, timeZone);
  if (formatDate === 2) return String(Math.floor(timeMs / 1000));
  return zonedDateTimeText(timeMs, timeZone);
}
