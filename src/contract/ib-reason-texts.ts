/**
 * Why the IB connection is in its state (src/contract/ib.ts `IbReason`), as a sentence in either UI
 * language: the Live Trading page's connection card and the `ib.disconnected` alert (web and
 * Telegram) use it. IB's own message text is kept as IB wrote it, marked as IB's.
 *
 * Pure TypeScript: no Node or server imports, so the web app can import it.
 */
import type { IbReason } from './ib.js';

export type IbReasonLanguage = 'zh-CN' | 'en';

const MODE: Record<IbReasonLanguage, Record<'paper' | 'live', string>> = {
  'zh-CN': { paper: '模拟盘', live: '实盘' },
  en: { paper: 'paper', live: 'live' },
};

const list = (values: string[], language: IbReasonLanguage) =>
  values.length === 0 ? '—' : values.join(language === 'zh-CN' ? '、' : ', ');

/** The reason without the retry note. */
function base(r: IbReason, language: IbReasonLanguage): string {
  const zh = language === 'zh-CN';
  switch (r.code) {
    case 'not-started':
      return zh ? '尚未启动' : 'not started';
    case 'stopped':
      return zh ? '已停止' : 'stopped';
    case 'connecting':
      return zh ? '正在连接' : 'connecting';
    case 'reconnecting':
      return zh ? `正在重新连接（第 ${r.attempt} 次尝试）` : `reconnecting (attempt ${r.attempt})`;
    case 'not-connected-yet':
      return zh ? '尚未连接' : 'not connected yet';
    case 'socket-closed':
      return zh ? '连接已被关闭' : 'socket closed';
    case 'heartbeat-timeout':
      return zh ? '心跳超时' : 'heartbeat timeout';
    case 'connect-timeout':
      return zh ? `${r.ms} 毫秒内未收到 IB 的就绪应答` : `no nextValidId within ${r.ms} ms`;
    case 'client-id-in-use':
      return zh
        ? `客户端 ID ${r.clientId} 已被占用（IB 错误 326）`
        : `client id ${r.clientId} in use (IB error 326)`;
    case 'ib-message':
      return zh
        ? `IB 错误 ${r.ibCode}，IB 的原文：${r.ibMessage}`
        : `IB error ${r.ibCode}, IB's message: ${r.ibMessage}`;
    case 'data-farm-broken': {
      const farms = r.farms.map((f) => `${f.farm} (${f.ibCode})`);
      return zh
        ? `行情数据农场连接中断：${list(farms, language)}`
        : `data farm broken: ${list(farms, language)}`;
    }
    case 'no-managed-accounts':
      return zh ? 'IB 未报告任何账户' : 'IB reported no managed accounts';
    case 'accounts-pending':
      return zh ? 'IB 尚未报告账户' : 'IB has not reported managed accounts yet';
    case 'account-not-reported':
      return zh
        ? `配置的账户 ${r.account} 不在 IB 报告的账户中（${list(r.reported, language)}）`
        : `configured account ${r.account} is not among the accounts IB reports (${list(r.reported, language)})`;
    case 'account-wrong-mode':
      return zh
        ? `当前为${MODE[language][r.mode]}模式，但账户 ${r.account} 是${r.mode === 'paper' ? '实盘账户' : '模拟盘账户（以 DU 开头）'}`
        : `mode is ${r.mode} but account ${r.account} is a ${r.mode === 'paper' ? 'live account (paper accounts start with DU)' : 'paper account (starts with DU)'}`;
    case 'no-account-for-mode':
      return zh
        ? `当前为${MODE[language][r.mode]}模式，但 IB 只报告了${r.mode === 'paper' ? '实盘' : '模拟盘'}账户（${list(r.accounts, language)}）`
        : `mode is ${r.mode} but IB reports only ${r.mode === 'paper' ? 'live' : 'paper'} accounts (${list(r.accounts, language)})`;
    case 'several-accounts':
      return zh
        ? `IB 报告了多个${MODE[language][r.mode]}账户（${list(r.accounts, language)}），请配置要交易的账户`
        : `IB reports several ${r.mode} accounts (${list(r.accounts, language)}); configure which one to trade`;
    case 'no-order-id':
      return zh ? '尚未收到 IB 的首个订单编号' : 'no order id yet: wait for the first nextValidId';
    case 'no-answer':
      return zh ? `${r.ms} 毫秒内未收到 IB 的应答` : `no answer from IB within ${r.ms} ms`;
    case 'cannot-connect': {
      const where = `${r.host}:${r.port}`;
      const within = r.withinMs;
      let text = zh
        ? `无法${within === undefined ? '' : `在 ${within} 毫秒内`}连接 ${where}`
        : `could not connect to ${where}${within === undefined ? '' : ` within ${within} ms`}`;
      if (r.ibCode !== undefined)
        text = zh
          ? `${text}（IB 错误 ${r.ibCode}，IB 的原文：${r.ibMessage ?? ''}）`
          : `${text} (IB error ${r.ibCode}, IB's message: ${r.ibMessage ?? ''})`;
      return text;
    }
    case 'recorded':
      // Written by a version before codes: only its English text exists, labelled as such.
      return zh ? `旧版本记录的原因（原文）：${r.text}` : r.text;
  }
  // A code from a newer server: say which, rather than nothing.
  return (r as { code: string }).code;
}

/** Codes that say why orders are refused (the account does not fit the mode), not why the link is down. */
const ORDER_REFUSALS: ReadonlySet<IbReason['code']> = new Set([
  'no-managed-accounts',
  'accounts-pending',
  'account-not-reported',
  'account-wrong-mode',
  'no-account-for-mode',
  'several-accounts',
]);

/**
 * The reason as a sentence. `asState`: it explains the connection state, so an account problem reads
 * "orders refused: ..." (the mode check shows the bare reason under its own label).
 */
export function ibReasonText(r: IbReason, language: IbReasonLanguage, asState = true): string {
  const zh = language === 'zh-CN';
  let text = base(r, language);
  if (asState && ORDER_REFUSALS.has(r.code)) text = zh ? `拒绝下单：${text}` : `orders refused: ${text}`;
  if (r.retryMs !== undefined)
    text = zh ? `${text}；${r.retryMs} 毫秒后重试` : `${text}; retry in ${r.retryMs} ms`;
  return text;
}
