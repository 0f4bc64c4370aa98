import { afterEach, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { ConflictError, InputError } from '../../src/core/errors.js';
import { parseWeightsText, planCancels, planOrders, validateWeights } from '../../src/execution/index.js';
import { ENGINES } from '../helpers/engines.js';
import { harness, PROJECTS, settle } from './harness.js';

const SYMBOLS = { AAPL: 200, MSFT: 400 };
const MONDAY = '2026-01-05';
const TUESDAY = '2026-01-06';

function inputError(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('no InputError thrown');
}

describe('weights files take plain decimals only', () => {
  it.each([
    ['hex', 'AAPL,0x1', /line 1: must be a decimal number.*"0x1"/],
    ['binary', 'AAPL,0b1', /line 1: must be a decimal number.*"0b1"/],
    ['exponent', 'symbol,weight\nAAPL,1e400', /line 2: must be a decimal number.*"1e400"/],
    ['negative zero', 'symbol,weight\nMSFT,0.1\nAAPL,-0', /line 3: must not be negative zero/],
    ['Infinity', 'AAPL,Infinity', /line 1: must be a decimal number/],
    ['NaN', 'AAPL,NaN', /line 1: must be a decimal number/],
    ['JSON exponent', '{"AAPL": 1e400}', /must be a decimal number.*"1e400"/],
    ['JSON small exponent', '{"AAPL": 1e-1}', /must be a decimal number.*"1e-1"/],
    ['JSON negative zero', '{"MSFT": 0.1, "AAPL": -0}', /must not be negative zero/],
    ['JSON key twice', '{"AAPL": 0.1, "AAPL": 0.2}', /listed twice/],
  ])('%s is refused, naming the symbol', (_name, text, reason) => {
    const error = inputError(() => validateWeights(parseWeightsText(text, 'w.csv')));
    expect(error.field).toBe('weights.AAPL');
    expect(error.reason).toMatch(reason);
  });

  it('a negative zero number given directly is refused', () => {
    expect(inputError(() => validateWeights({ AAPL: -0 })).field).toBe('weights.AAPL');
  });

  it('plain decimals pass', () => {
    expect(validateWeights(parseWeightsText('symbol,weight\nAAPL,0.25\nMSFT,0\n'))).toEqual({
      AAPL: 0.25,
      MSFT: 0,
    });
    expect(validateWeights(parseWeightsText('{"AAPL": 0.25, "MSFT": 0.5}'))).toEqual({
      AAPL: 0.25,
      MSFT: 0.5,
    });
  });
});

describe('planning cancels working orders in the way instead of offsetting them', () => {
  const buy73 = { id: 1, symbol: 'AAPL', side: 'BUY' as const, quantity: 73, filledQty: 0 };

  it('a target of 0 with a working BUY and no position: cancel, never a SELL', () => {
    const input = { targets: { AAPL: 0 }, positions: {}, openOrders: [buy73] };
    expect(planCancels(input)).toEqual([buy73]);
    expect(planOrders(input)).toEqual([]);
    // Once the cancel is final (nothing filled), nothing is left to do.
    expect(planOrders({ ...input, openOrders: [] })).toEqual([]);
  });

  it('an overshooting order the same way is cancelled, and the rest is ordered afresh', () => {
    const input = { targets: { AAPL: 40 }, positions: {}, openOrders: [buy73] };
    expect(planCancels(input)).toEqual([buy73]);
    expect(planOrders(input)).toEqual([]);
    expect(planOrders({ ...input, openOrders: [] })).toEqual([{ symbol: 'AAPL', side: 'BUY', quantity: 40 }]);
  });

  it('a working order that goes the right way and does not overshoot is kept', () => {
    const input = { targets: { AAPL: 100 }, positions: {}, openOrders: [buy73] };
    expect(planCancels(input)).toEqual([]);
    expect(planOrders(input)).toEqual([{ symbol: 'AAPL', side: 'BUY', quantity: 27 }]);
  });

  it('never plans a short when shorting is off', () => {
    expect(planOrders({ targets: { AAPL: -5 }, positions: {}, openOrders: [] })).toEqual([]);
  });
});

describe.each(ENGINES)('the order path refuses bad inputs on %s', (engineName) => {
  let h: Awaited<ReturnType<typeof harness>> | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function storedRuns() {
    if (!h) throw new Error('no harness');
    return h.store.db.selectFrom('trade_runs').selectAll().execute();
  }

  it('refuses an unknown project id and impossible or closed trading dates, storing and sending nothing', async () => {
    h = await harness(engineName, SYMBOLS);
    const r = await h.replica('a');
    await expect(
      r.service.executeTargets({ projectId: 99, tradingDate: MONDAY, weights: { AAPL: 0.1 } }),
    ).rejects.toMatchObject({ field: 'projectId' });
    for (const tradingDate of ['2026-13-45', '2026-11-28', '2026-12-25']) {
      const error = await r.service
        .executeTargets({ projectId: PROJECTS.demo, tradingDate, weights: { AAPL: 0.1 } })
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(ZodError);
      expect((error as ZodError).issues[0]?.path).toEqual(['tradingDate']);
    }
    expect(await storedRuns()).toEqual([]);
    expect(h.broker.log).toEqual([]);
    // The same project and date twice is one run, keyed by the project id.
    const first = await r.service.executeTargets({
      projectId: PROJECTS.demo,
      tradingDate: MONDAY,
      weights: { AAPL: 0.1 },
    });
    const second = await r.service.executeTargets({
      projectId: PROJECTS.demo,
      tradingDate: MONDAY,
      weights: { AAPL: 0.1 },
    });
    expect(second.run.id).toBe(first.run.id);
    expect(first.run).toMatchObject({ projectId: PROJECTS.demo, project: 'demo', mode: 'paper' });
    expect(await storedRuns()).toHaveLength(1);
  });

  it('a target of 0 cancels the working BUY of an earlier run instead of selling short', async () => {
    h = await harness(engineName, SYMBOLS);
    const r = await h.replica('a');
    h.broker.mode = 'hold';
    const monday = await r.service.executeTargets({
      projectId: PROJECTS.demo,
      tradingDate: MONDAY,
      weights: { AAPL: 0.2 },
    });
    expect(monday.sent).toBe(1);
    await settle(r);
    const [buy] = await r.repo.orders({ runId: monday.run.id });
    expect(buy).toMatchObject({ side: 'BUY', status: 'SUBMITTED' });

    const tuesday = await r.service.executeTargets({
      projectId: PROJECTS.demo,
      tradingDate: TUESDAY,
      weights: { AAPL: 0 },
    });
    await settle(r);
    expect(tuesday.intents).toEqual([]);
    expect(h.broker.log.map((e) => e.side)).toEqual(['BUY']);
    expect(h.broker.cancels).toEqual([buy?.ibOrderId]);
    expect((await r.repo.orders({ runId: monday.run.id }))[0]?.status).toBe('CANCELED');
    expect(h.broker.positionsBySymbol.get('AAPL') ?? 0).toBe(0);
  });
});

describe.each(ENGINES)('live-mode and account safety in the service on %s', (engineName) => {
  let h: Awaited<ReturnType<typeof harness>> | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('a live run needs the account typed again', async () => {
    h = await harness(engineName, SYMBOLS, { accountId: 'U7654321' });
    const r = await h.replica('a', { engine: { mode: 'live', account: 'U7654321' } });
    const input = { projectId: PROJECTS.demo, tradingDate: MONDAY, weights: { AAPL: 0.1 } };
    for (const confirmLive of [undefined, 'U765432', 'DU111']) {
      await expect(
        r.service.executeTargets({ ...input, ...(confirmLive ? { confirmLive } : {}) }),
      ).rejects.toMatchObject({ field: 'confirmLive' });
    }
    expect(await h.store.db.selectFrom('trade_runs').selectAll().execute()).toEqual([]);
    expect(h.broker.log).toEqual([]);
    const ok = await r.service.executeTargets({ ...input, confirmLive: 'U7654321' });
    expect(ok.run.mode).toBe('live');
    expect(ok.sent).toBe(1);
  });

  it.each([
    ['another account', 'paper' as const, 'DU7654321', /DU\*\*\*\*67.*DU\*\*\*\*21/],
    ['a live account in paper mode', 'paper' as const, undefined, /paper.*U7\*\*\*\*67/],
  ])('refuses a gateway logged into %s before anything is stored or sent', async (_n, mode, account, why) => {
    h = await harness(engineName, SYMBOLS, {
      accountId: account === undefined ? 'U7234567' : 'DU1234567',
    });
    const r = await h.replica('a', { engine: { mode, ...(account ? { account } : {}) } });
    expect(r.engine.readiness().ready).toBe(false);
    const error = await r.service
      .executeTargets({ projectId: PROJECTS.demo, tradingDate: MONDAY, weights: { AAPL: 0.1 } })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toMatch(why);
    expect((error as Error).message).not.toMatch(/DU1234567|DU7654321|U7234567/);
    expect(await h.store.db.selectFrom('trade_runs').selectAll().execute()).toEqual([]);
    expect(h.broker.log).toEqual([]);
  });
});
