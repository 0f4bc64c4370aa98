/**
 * The system's own actors (the services that write audit records, create runs and snapshots and
 * change trading states), by name in either UI language; a person's user name is not among them and
 * shows as it is. Shared by the web app (audit, runs, decisions, risk pages) and the alert texts
 * (Telegram renders them on the server).
 *
 * Pure TypeScript: no Node or server imports, so the web app can import it.
 */

const ACTORS: Readonly<Record<'zh-CN' | 'en', Readonly<Record<string, string>>>> = {
  'zh-CN': {
    system: '系统',
    cli: '命令行',
    execution: '执行引擎',
    pipeline: '周度流程',
    scheduler: '调度器',
    risk: '交易前风控',
    'risk-monitor': '盘中风控监控',
    'risk-defensive': '防御操作',
    demo: '演示数据',
  },
  en: {
    system: 'system',
    cli: 'command line',
    execution: 'execution engine',
    pipeline: 'weekly pipeline',
    scheduler: 'scheduler',
    risk: 'pre-trade risk checks',
    'risk-monitor': 'intraday risk monitor',
    'risk-defensive': 'defensive move',
    demo: 'demo data',
  },
};

/** Who acted, in the language: a system actor by its name, a person's user name as it is. */
export function actorName(actor: string, language: 'zh-CN' | 'en'): string {
  const names = ACTORS[language];
  return Object.hasOwn(names, actor) ? (names[actor] ?? actor) : actor;
}
