import { EventName } from '@stoqey/ib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderAlert } from '../../src/alerts/kinds.js';
import { ibRejection } from '../../src/alerts/service.js';
import { checkMode } from '../../src/brokerage/ib/decode.js';
import type { ConnectionState } from '../../src/brokerage/index.js';
import type { IbReason } from '../../src/contract/ib.js';
import { ibReasonText } from '../../src/contract/ib-reason-texts.js';
import { delay, type Harness, startHarness, waitFor } from '../brokerage/sim-harness.js';

/**
 * Issue 17: why IB is down, why orders are refused and why IB rejected an order read in Chinese on a
 * Chinese page and in a Chinese Telegram alert. The reasons come from the real connection manager
 * against the built-in gateway's faults; only IB's own words (its messages, farm names) stay as IB
 * wrote them, and every reason the manager gives has a code.
 */

const PRODUCT_NAMES = ['ibloop', 'Telegram', 'Gateway'];

/** Latin words that are neither capitals (IB, DU****67, codes) nor product names nor IB's own words. */
function englishWords(text: string, ibWords: readonly string[] = []): string[] {
  let scanned = text;
  for (const words of ibWords) scanned = scanned.split(words).join(' ');
  return (scanned.match(/[A-Za-z][A-Za-z0-9]*/g) ?? []).filter(
    (word) => word !== word.toUpperCase() && !PRODUCT_NAMES.includes(word),
  );
}

/** IB's own text inside a reason: kept as IB wrote it, so not the server's English. */
function ibWords(code: IbReason): string[] {
  if (code.code === 'ib-message') return [code.ibMessage];
  if (code.code === 'data-farm-broken') return code.farms.map((f) => f.farm);
  return [];
}

/** The reason on the connection card and in the `ib.disconnected` alert, both in zh-CN. */
function expectChinese(state: ConnectionState): void {
  if (state.reason === null) return;
  // A reason without a code would reach the Chinese page in English.
  expect(state.reasonCode, `no code for "${state.reason}"`).toBeTruthy();
  const code = state.reasonCode as IbReason;
  const card = ibReasonText(code, 'zh-CN');
  expect(englishWords(card, ibWords(code)), card).toEqual([]);
  const alert = renderAlert(
    'ib.disconnected',
    'critical',
    { host: state.host, port: state.port, reason: state.reason, reasonCode: code, downSeconds: 200 },
    'zh-CN',
  );
  expect(englishWords(alert, ibWords(code)), alert).toEqual([]);
  // The English text still says it.
  expect(ibReasonText(code, 'en').length).toBeGreaterThan(0);
}

describe('IB connection reasons in zh-CN (connection card, ib.disconnected alert)', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });

  afterAll(async () => {
    await h.close();
  });

  it('a dropped gateway, 1100, a broken farm and a client id in use read in Chinese', async () => {
    const broker = h.brokerage();
    const seen: ConnectionState[] = [];
    broker.connection.onStateChange((state) => seen.push(state));
    expectChinese(broker.connection.state()); // not started
    await broker.connection.start();

    await h.sim.faults.reset('1102', 1);
    await waitFor('1100', () => seen.some((s) => s.reasonCode?.code === 'ib-message'));
    await waitFor('back', () => broker.connection.state().status === 'CONNECTED');

    const api = broker.ib.requireApi('test');
    api.emit(EventName.info, 'Market data farm connection is broken:usfarm', 2103);
    api.emit(EventName.info, 'Market data farm connection is OK:usfarm', 2104);

    await h.sim.faults.dropAll();
    await waitFor('reconnect', () => broker.connection.state().reconnectCount === 1);

    // A second session with the same client id gets IB's 326 until the first one leaves.
    const clientId = broker.connection.state().clientId;
    const second = h.brokerage({ clientId });
    second.connection.onStateChange((state) => seen.push(state));
    const connected = second.connection.start();
    await waitFor('326', () => seen.some((s) => s.reasonCode?.code === 'client-id-in-use'));
    await broker.connection.stop();
    await connected;
    await second.connection.stop();

    const codes = new Set(seen.map((s) => s.reasonCode?.code));
    for (const code of ['ib-message', 'data-farm-broken', 'socket-closed', 'client-id-in-use', 'stopped'])
      expect(codes, code).toContain(code);
    for (const state of seen) expectChinese(state);
  });

  it('an account that does not fit the mode: the refusal reads in Chinese', async () => {
    const broker = h.brokerage({ mode: 'live' });
    const seen: ConnectionState[] = [];
    broker.connection.onStateChange((state) => seen.push(state));
    await broker.connection.start();
    await waitFor('refused', () => broker.connection.state().reasonCode?.code === 'no-account-for-mode');
    await delay(50);
    await broker.connection.stop();
    for (const state of seen) expectChinese(state);
  });

  it('every mode check outcome has a code that reads in Chinese', () => {
    const checks = [
      checkMode('paper', undefined, []),
      checkMode('paper', undefined, ['U7654321']),
      checkMode('live', undefined, ['DU1234567']),
      checkMode('live', 'DU1234567', ['DU1234567']),
      checkMode('paper', 'U7654321', ['U7654321']),
      checkMode('paper', 'DU9999999', ['DU1234567']),
      checkMode('paper', undefined, ['DU1', 'DU2']),
    ];
    for (const check of checks) {
      expect(check.ok).toBe(false);
      expect(check.reasonCode, String(check.reason)).toBeTruthy();
      const zh = ibReasonText(check.reasonCode as IbReason, 'zh-CN', false);
      expect(englishWords(zh), zh).toEqual([]);
    }
  });
});

describe('order.rejected in zh-CN', () => {
  const order = { clientOrderId: 'ibl:R5:AAPL:B:0', symbol: 'AAPL', side: 'BUY', quantity: 3 };

  it("IB's message is labelled as IB's; the sentence around it is Chinese", () => {
    const ibText = 'Order rejected - reason: margin';
    const params = { ...order, reason: `201: ${ibText}`, ...ibRejection(`201: ${ibText}`) };
    expect(params).toMatchObject({ ibCode: 201, ibMessage: ibText });
    const zh = renderAlert('order.rejected', 'critical', params, 'zh-CN');
    expect(zh).toContain(`IB 错误 201，IB 的原文：${ibText}`);
    expect(zh).toContain('买入');
    expect(englishWords(zh, [ibText, order.clientOrderId]), zh).toEqual([]);
  });

  it('a rejection without IB text reads in Chinese too', () => {
    const params = { ...order, reason: 'rejected by the broker', ...ibRejection(undefined) };
    const zh = renderAlert('order.rejected', 'critical', params, 'zh-CN');
    // The order id is an id, not a word.
    expect(englishWords(zh, [order.clientOrderId]), zh).toEqual([]);
    expect(renderAlert('order.rejected', 'critical', params, 'en')).toContain('IB gave no reason');
  });

  it('an alert stored before the codes shows its stored text as it is', () => {
    const params = { ...order, reason: '201: stored' };
    expect(renderAlert('order.rejected', 'critical', params, 'zh-CN')).toContain('原因：201: stored');
  });
});

describe('system actors in zh-CN alerts', () => {
  it('a halt, a resume and a test message name the system actor in Chinese', () => {
    for (const actor of ['risk-monitor', 'risk-defensive', 'scheduler', 'system', 'cli']) {
      const texts = [
        renderAlert('trading.halted', 'critical', { reason: '回撤超限', actor }, 'zh-CN'),
        renderAlert('trading.resumed', 'info', { actor }, 'zh-CN'),
      ];
      for (const text of texts) expect(englishWords(text), text).toEqual([]);
    }
    // A person's user name stays as typed.
    expect(renderAlert('trading.resumed', 'info', { actor: 'alice' }, 'zh-CN')).toContain('alice');
  });
});
