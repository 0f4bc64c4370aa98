import { afterEach, describe, expect, it } from 'vitest';
import { type AlertService, enqueueAlert, startAlerts } from '../../src/alerts/index.js';
import { renderAlert } from '../../src/alerts/kinds.js';
import type { AppContext } from '../../src/app/context.js';
import type { AlertParamsByKind } from '../../src/contract/alert-texts.js';
import { msg } from '../../src/contract/messages.js';
import { InputError } from '../../src/core/index.js';
import { decodeFailure, encodeFailure, stepFailure } from '../../src/pipeline/errors.js';
import { StepError } from '../../src/pipeline/index.js';
import { type EngineTarget, freshTarget } from '../helpers/engines.js';
import { pollUntil } from '../helpers/poll.js';
import { startTelegramServer, TEST_BOT_TOKEN, TEST_CHAT_ID } from '../helpers/telegram-server.js';
import { alertContext } from './context.js';

/**
 * Issue 17: a Chinese alert that carries a catalogued message (a run's failure, a fallback's reason)
 * says it in Chinese, enum values named in Chinese; English alerts keep the catalogue's English. The
 * failures go the way the pipeline stores them (StepError or a module's InputError, encoded and read
 * back) before the runner's alert parameters are built from them.
 */

const PROJECT = '动量周调仓';
/** Latin words a Chinese sentence may hold: capitals (IB, ids) and product names. */
const englishWords = (text: string): string[] =>
  (text.match(/[A-Za-z][A-Za-z0-9]*/g) ?? []).filter(
    (word) => word !== word.toUpperCase() && !['ibloop', 'Telegram', 'Gateway'].includes(word),
  );

/** A step failure as the runner reads it back from the step's row. */
const stored = (error: unknown) => decodeFailure(encodeFailure(stepFailure(error)))!;

function checklistFailed(): AlertParamsByKind['run.failed'] {
  const failure = stored(
    new StepError('CHECKLIST_FAILED', 'checklist failed: ib.connected, bars.complete', {
      text: msg('PIPELINE_CHECKLIST_FAILED', { items: 'ib.connected, bars.complete' }),
    }),
  );
  return {
    project: PROJECT,
    tradingDate: '2026-11-24',
    runId: 12,
    error: `checklist: ${failure.message}`,
    errorText: failure.text,
  };
}

function rejectionsAboveLimit(): AlertParamsByKind['run.failed'] {
  const failure = stored(
    new StepError('REJECTIONS_ABOVE_LIMIT', 'IB rejected 3 of 10 orders', {
      text: msg('PIPELINE_REJECTIONS_ABOVE_LIMIT', { rejected: 3, orders: 10, share: 0.3, limit: 0.2 }),
    }),
  );
  return { ...checklistFailed(), error: `monitor: ${failure.message}`, errorText: failure.text };
}

function fallbackForNoModel(): AlertParamsByKind['fallback.used'] {
  const failure = stored(
    new InputError(
      'modelVersion',
      'project 3 version 2 has no trained model; train one before deciding',
      msg('DECISION_NO_MODEL', { project: 3, version: 2 }),
    ),
  );
  return {
    project: PROJECT,
    policy: 'last-good',
    reason: failure.message,
    reasonCode: failure.code,
    reasonText: failure.text,
  };
}

describe('alerts carrying a catalogued message', () => {
  it('a checklist failure reads in Chinese, its items named as the pipeline page names them', () => {
    const zh = renderAlert('run.failed', 'critical', checklistFailed(), 'zh-CN');
    expect(zh).toBe(
      '🔴 调仓失败：项目 动量周调仓，交易日 2026-11-24（运行 #12）。' +
        '错误：交易前检查未通过：IB 已连接、IB 日线完整至上一交易日',
    );
    expect(englishWords(zh), zh).toEqual([]);
    // Its English twin: the catalogue's English, the items as their codes.
    expect(renderAlert('run.failed', 'critical', checklistFailed(), 'en')).toBe(
      '🔴 Rebalance failed: project 动量周调仓, trading date 2026-11-24 (run #12). ' +
        'Error: checklist failed: ib.connected, bars.complete',
    );
  });

  it('percentages and a module refusal behind a fallback read in Chinese too; English keeps its text', () => {
    const rejected = renderAlert('run.failed', 'critical', rejectionsAboveLimit(), 'zh-CN');
    expect(rejected).toContain('IB 拒绝了 10 笔订单中的 3 笔（30.00%，超过上限 20.00%）：已停止交易');
    expect(englishWords(rejected), rejected).toEqual([]);
    expect(renderAlert('run.failed', 'critical', rejectionsAboveLimit(), 'en')).toContain(
      'IB rejected 3 of 10 orders (30.00%, above the limit of 20.00%): trading stopped',
    );

    const fallback = renderAlert('fallback.used', 'warning', fallbackForNoModel(), 'zh-CN');
    expect(fallback).toBe(
      '🟠 已启用回退策略：项目 动量周调仓，策略：沿用上次成功的决策。' +
        '原因：项目 #3 的版本 v2 还没有训练好的模型；请先训练再决策',
    );
    expect(renderAlert('fallback.used', 'warning', fallbackForNoModel(), 'en')).toBe(
      '🟠 Fallback used: project 动量周调仓, policy: trade the last good decision again. ' +
        'Reason: project 3 version 2 has no trained model; train one before deciding',
    );
  });
});

describe('a Chinese alert with a catalogued failure, queued and delivered to Telegram (sqlite)', () => {
  let target: EngineTarget | undefined;
  let ctx: AppContext | undefined;
  let service: AlertService | undefined;

  afterEach(async () => {
    await service?.stop();
    await ctx?.close();
    target?.cleanup();
  });

  it('the stored text and the message Telegram receives say the failure in Chinese', async () => {
    const telegram = await startTelegramServer();
    try {
      target = await freshTarget('sqlite');
      ctx = await alertContext(target, {
        TELEGRAM_BOT_TOKEN: TEST_BOT_TOKEN,
        TELEGRAM_CHAT_ID: TEST_CHAT_ID,
        TELEGRAM_API_BASE: telegram.url,
      });
      const queued = await enqueueAlert(ctx, { kind: 'run.failed', params: checklistFailed() });
      service = startAlerts(ctx);
      await pollUntil(
        async () => telegram.messages.length,
        (n) => n >= 1,
        15_000,
      );
      const sent = telegram.messages[0]?.text ?? '';
      expect(sent).toContain('错误：交易前检查未通过：IB 已连接、IB 日线完整至上一交易日');
      // The reference line (#id, UTC time) is the only Latin besides IB.
      expect(englishWords(sent), sent).toEqual([]);
      const row = await ctx.store.db
        .selectFrom('alert_outbox')
        .select(['text', 'language'])
        .where('id', '=', queued.id)
        .executeTakeFirstOrThrow();
      expect(row.language).toBe('zh-CN');
      expect(row.text).toContain('交易前检查未通过：IB 已连接、IB 日线完整至上一交易日');
    } finally {
      await telegram.close();
    }
  });
});
