import { afterEach, describe, expect, it } from 'vitest';
import { renderAlert, TelegramError } from '../../src/alerts/index.js';
import type { AppContext } from '../../src/app/context.js';
import { BrokerRequestError, BrokerTimeoutError, BrokerUnavailableError } from '../../src/brokerage/index.js';
import { messageText } from '../../src/contract/message-text.js';
import { type Message, msg } from '../../src/contract/messages.js';
import { PipelineRunView } from '../../src/contract/pipeline.js';
import { ManualClock } from '../../src/core/clock.js';
import { ConflictError } from '../../src/core/errors.js';
import { englishWordFindings } from '../browser/language-scan.js';
import { ENGINES, type EngineTarget, freshTarget } from '../helpers/engines.js';
import { CountingWork, createProject, pipelineContext, runnerFor } from './context.js';

// Tuesday 2026-01-13, 10:30 New York: the market is open.
const OPEN_NOW = Date.parse('2026-01-13T15:30:00Z');

const API_BASE = 'https://api.telegram.org';

/**
 * Issue 17: a weekly run that fails on one of our own refusals (an error that carries its reason as
 * a catalogued message) keeps that message as the step's failure, not "the step failed: <English>",
 * so that the run page and the run.failed alert say it in the reader's language.
 */
const REFUSALS: Array<{ project: string; error: Error & { text: Message }; words: string[] }> = [
  {
    project: '经纪商断开',
    error: new BrokerUnavailableError('DISCONNECTED', 'socket closed', { code: 'socket-closed' }),
    words: [],
  },
  {
    project: '尚未就绪',
    error: new ConflictError('trading', 'not ready to trade', msg('NOT_READY_TO_TRADE', {})),
    words: [],
  },
  {
    project: '电报不通',
    error: new TelegramError(
      'network',
      'could not connect: ECONNREFUSED',
      {},
      msg('TELEGRAM_UNREACHABLE', { apiBase: API_BASE, cause: 'ECONNREFUSED' }),
    ),
    // The address is data the user typed.
    words: [API_BASE],
  },
  {
    project: 'IB 超时',
    error: new BrokerTimeoutError('historical bars AAPL', 30_000),
    words: [],
  },
  {
    project: 'IB 拒绝',
    error: new BrokerRequestError(
      162,
      'Historical Market Data Service error message:HMDS query returned no data',
    ),
    // IB's own words, quoted as IB's.
    words: ['Historical Market Data Service error message:HMDS query returned no data'],
  },
];

describe.each(ENGINES)('a run failing on our own refusal keeps its catalogued reason (%s)', (engine) => {
  let target: EngineTarget;
  let ctx: AppContext;
  afterEach(async () => {
    await ctx?.close();
    target?.cleanup();
  });

  it('the step, the run view and the run.failed alert carry the message, which reads in Chinese', async () => {
    target = await freshTarget(engine);
    ctx = await pipelineContext(target, new ManualClock(OPEN_NOW));
    const byProject = new Map<number, (typeof REFUSALS)[number]>();
    for (const refusal of REFUSALS)
      byProject.set(await createProject(ctx, refusal.project, { pipeline: { retries: 0 } }), refusal);
    const counting = new CountingWork();
    counting.work.plan = async (step) => {
      throw byProject.get(step.run.projectId)!.error;
    };
    const runner = runnerFor(ctx, counting.work, 'a');

    for (const [projectId, refusal] of byProject) {
      const { run } = await runner.trigger({ projectId, trigger: 'manual', actor: 'test' });
      await runner.settled(run.id);
      // Read back from the database by the repository, and valid against the API contract.
      const view = PipelineRunView.parse(await runner.repo.get(run.id));
      expect(view.status).toBe('FAILED');
      const plan = view.steps.find((s) => s.name === 'plan');
      expect(plan?.status).toBe('FAILED');
      expect(plan?.errorText, refusal.project).toEqual(refusal.error.text);
      expect(plan?.errorCode).toBe(refusal.error.text.code);
      // The English text stays for logs and API users.
      expect(plan?.error).toBe(refusal.error.message);
      const zh = messageText(plan!.errorText!, 'zh-CN');
      expect(englishWordFindings(`step ${refusal.project}`, zh, refusal.words)).toEqual([]);

      const alert = await ctx.store.db
        .selectFrom('alert_outbox')
        .selectAll()
        .where('kind', '=', 'run.failed')
        .where('params_json', 'like', `%"runId":${run.id},%`)
        .executeTakeFirstOrThrow();
      const params = JSON.parse(alert.params_json) as Record<string, unknown>;
      expect(params.errorText).toEqual(refusal.error.text);
      const said = renderAlert('run.failed', 'critical', params as never, 'zh-CN');
      expect(said).toContain(zh);
      expect(englishWordFindings(`alert ${refusal.project}`, said, refusal.words)).toEqual([]);
    }
  });
});
