import { z } from 'zod';
import {
  ALERT_KIND_NAMES,
  channelState,
  listAlerts,
  listRules,
  sendTestMessage,
  TelegramUnavailableError,
  updateRule,
} from '../../alerts/index.js';
import {
  AlertListResponse,
  AlertRuleResponse,
  TelegramUnavailableBody,
  TestMessageResponse,
} from '../../contract/alerts.js';
import type { Api } from '../api-types.js';
import type { ServerDeps } from '../app.js';

const AlertQuery = z
  .object({
    kind: z
      .enum(ALERT_KIND_NAMES as [string, ...string[]], { error: 'must be a known alert kind' })
      .optional(),
    status: z
      .enum(['pending', 'delivered', 'suppressed'], { error: 'must be pending, delivered or suppressed' })
      .optional(),
    limit: z.coerce.number().int('must be an integer').min(1).max(500).default(50),
    offset: z.coerce.number().int('must be an integer').min(0).default(0),
  })
  .strict();

const RuleBody = z
  .object({
    muted: z.boolean({ error: 'must be true or false' }).optional(),
    snoozeMinutes: z
      .number({ error: 'must be a number of minutes' })
      .int('must be whole minutes')
      .min(0, 'must be between 0 and 10080 (a week)')
      .max(10080, 'must be between 0 and 10080 (a week)')
      .nullable()
      .optional(),
  })
  .strict()
  .refine((body) => body.muted !== undefined || body.snoozeMinutes !== undefined, {
    message: 'give muted or snoozeMinutes',
    path: ['muted'],
  });

const typedValue = z.string().max(4096).optional();
const TestBody = z
  .object({
    TELEGRAM_BOT_TOKEN: typedValue,
    TELEGRAM_CHAT_ID: typedValue,
    TELEGRAM_API_BASE: typedValue,
  })
  .strict();

export function registerAlertRoutes(app: Api, deps: ServerDeps): void {
  app.get(
    '/api/alerts',
    { schema: { querystring: AlertQuery, response: { 200: AlertListResponse } } },
    async (request) => {
      const db = deps.ctx.store.db;
      const [page, rules, channel] = await Promise.all([
        listAlerts(db, request.query),
        listRules(db),
        deps.ctx.settings.resolve().then((settings) => channelState(db, settings)),
      ]);
      // The alerts module types the suppression reason as text; the response schema holds it to the
      // two reasons the UI knows, at run time.
      return { ...page, rules, channel } as AlertListResponse;
    },
  );

  app.put(
    '/api/alerts/rules/:kind',
    {
      schema: {
        params: z.object({ kind: z.string().max(100) }),
        body: RuleBody,
        response: { 200: AlertRuleResponse },
      },
    },
    async (request) => {
      const rule = await updateRule(deps.ctx, request.params.kind, request.body, request.session!.username);
      return { rule };
    },
  );

  app.post(
    '/api/alerts/test-message',
    { schema: { body: TestBody, response: { 200: TestMessageResponse, 502: TelegramUnavailableBody } } },
    async (request, reply) => {
      try {
        return await sendTestMessage(deps.ctx, request.body, request.session!.username);
      } catch (error) {
        if (!(error instanceof TelegramUnavailableError)) throw error;
        // Telegram's own trouble (5xx, rate limit), not the settings': say so with its text.
        return reply
          .code(502)
          .send({ error: { code: 'TELEGRAM_UNAVAILABLE', message: error.message, text: error.text } });
      }
    },
  );
}
