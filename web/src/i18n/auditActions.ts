/**
 * The audit log's action tags in both languages. Imported by the audit page only, so the map ships
 * in that route's chunk and not in the first-load bundle; a tag missing here shows as written
 * (test/web/audit-actions.test.ts fails when the server writes one this map does not name).
 */
import { actorName } from '../../../src/contract/actor-texts.js';

const ZH_CN = {
  'alerts.rule.update': '修改告警规则',
  'alerts.test-message': '发送测试告警',
  'auth.login': '登录',
  'auth.login.failed': '登录失败',
  'auth.logout': '退出登录',
  'decision.snapshot.frozen': '冻结决策快照',
  'decision.snapshot.redecided': '重新决策',
  'execution.lease.acquired': '取得执行租约',
  'execution.lease.lost': '失去执行租约',
  'execution.lease.released': '释放执行租约',
  'execution.order.adopted': '接管券商订单',
  'execution.order.sent': '订单已发送',
  'execution.orders.intended': '生成订单计划',
  'execution.run.created': '创建执行批次',
  'execution.run.status': '执行批次状态变更',
  'execution.run.targets': '记录目标持仓',
  'job.cancel': '取消任务',
  'job.failed': '任务失败',
  'job.start': '启动任务',
  'job.succeeded': '任务完成',
  'pipeline.dry_run': '演练调仓',
  'pipeline.dry_run_done': '演练完成',
  'pipeline.failed': '调仓失败',
  'pipeline.fallback': '启用回退策略',
  'pipeline.missed': '调仓未执行',
  'pipeline.reopen': '重新开启调仓',
  'pipeline.succeeded': '调仓完成',
  'pipeline.trigger': '触发调仓',
  'project.create': '创建项目',
  'project.update': '修改项目',
  'risk.defensive.started': '开始防御操作',
  'risk.defensive.waiting': '防御操作等待未完结订单',
  'risk.pretrade.blocked': '交易前检查拦截',
  'risk.state.resume': '恢复交易状态',
  'risk.state.tighten': '收紧交易状态',
  'schedule.paused': '暂停计划',
  'schedule.resumed': '恢复计划',
  'settings.update': '修改设置',
  'settings.update.live-mode-confirmed': '修改设置（已确认实盘）',
  'theme.create': '创建主题',
  'theme.delete': '删除主题',
  'theme.update': '修改主题',
  'user.create': '创建用户',
  'user.password.reset': '重置密码',
} satisfies Record<string, string>;

/** Same keys as the Chinese names (the type checks it). */
const EN: Record<keyof typeof ZH_CN, string> = {
  'alerts.rule.update': 'Alert rule changed',
  'alerts.test-message': 'Test alert sent',
  'auth.login': 'Signed in',
  'auth.login.failed': 'Sign-in failed',
  'auth.logout': 'Signed out',
  'decision.snapshot.frozen': 'Decision snapshot frozen',
  'decision.snapshot.redecided': 'Decision made again',
  'execution.lease.acquired': 'Execution lease acquired',
  'execution.lease.lost': 'Execution lease lost',
  'execution.lease.released': 'Execution lease released',
  'execution.order.adopted': 'Broker order adopted',
  'execution.order.sent': 'Order sent',
  'execution.orders.intended': 'Order plan made',
  'execution.run.created': 'Execution run created',
  'execution.run.status': 'Execution run status changed',
  'execution.run.targets': 'Target positions recorded',
  'job.cancel': 'Job cancelled',
  'job.failed': 'Job failed',
  'job.start': 'Job started',
  'job.succeeded': 'Job succeeded',
  'pipeline.dry_run': 'Dry run started',
  'pipeline.dry_run_done': 'Dry run finished',
  'pipeline.failed': 'Rebalance failed',
  'pipeline.fallback': 'Fallback used',
  'pipeline.missed': 'Rebalance missed',
  'pipeline.reopen': 'Rebalance reopened',
  'pipeline.succeeded': 'Rebalance completed',
  'pipeline.trigger': 'Rebalance triggered',
  'project.create': 'Project created',
  'project.update': 'Project changed',
  'risk.defensive.started': 'Defensive move started',
  'risk.defensive.waiting': 'Defensive move waiting for orders still out',
  'risk.pretrade.blocked': 'Blocked by pre-trade checks',
  'risk.state.resume': 'Trading state lifted',
  'risk.state.tighten': 'Trading state tightened',
  'schedule.paused': 'Schedule paused',
  'schedule.resumed': 'Schedule resumed',
  'settings.update': 'Settings changed',
  'settings.update.live-mode-confirmed': 'Settings changed (live mode confirmed)',
  'theme.create': 'Theme created',
  'theme.delete': 'Theme deleted',
  'theme.update': 'Theme changed',
  'user.create': 'User created',
  'user.password.reset': 'Password reset',
};

export const AUDIT_ACTIONS: {
  readonly 'zh-CN': Readonly<Record<string, string>>;
  readonly en: Readonly<Record<string, string>>;
} = {
  'zh-CN': ZH_CN,
  en: EN,
};

/** The action's name in the language; an action this version does not know keeps its tag. */
export function auditActionText(action: string, language: keyof typeof AUDIT_ACTIONS): string {
  const names = AUDIT_ACTIONS[language];
  return Object.hasOwn(names, action) ? (names[action] ?? action) : action;
}

/** Who acted, in the language: a system actor by its name (src/contract/actor-texts.ts, shared with the alert texts), a person's user name as it is. */
export function auditActorText(actor: string, language: keyof typeof AUDIT_ACTIONS): string {
  return actorName(actor, language);
}
