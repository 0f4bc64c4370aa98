import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelRegistry, scoresFromRecord, trainModel } from '../../src/alpha/index.js';
import { type AppContext, openAppContext } from '../../src/app/context.js';
import { FileBacktestStore, prepareResearch, resultHash, runBacktest } from '../../src/backtest/index.js';
import { loadBootstrapConfig } from '../../src/config/index.js';
import { ManualClock } from '../../src/core/clock.js';
import { AlphaBarStore, parseAlphaCsv } from '../../src/sources/alpha/index.js';
import { ENGINES, type EngineTarget, freshTarget } from '../helpers/engines.js';
import { csvMarket } from './fixtures.js';

describe.each(ENGINES)('models and backtests written by the CLI on %s', (engine) => {
  let target: EngineTarget;
  let ctx: AppContext;
  const clock = new ManualClock(Date.parse('2026-03-04T15:00:00Z'));

  beforeAll(async () => {
    target = await freshTarget(engine);
    const bootstrap = loadBootstrapConfig({
      env: target.databaseUrl ? { DATABASE_URL: target.databaseUrl } : {},
      overrides: { DATA_ROOT: target.dataRoot },
    });
    ctx = await openAppContext(bootstrap, { clock, logSink: () => {} });
  });
  afterAll(async () => {
    await ctx.close();
    target.cleanup();
  });

  it('are listed from their files, once, without a project', async () => {
    // What `ibloop data import`, `ibloop train` and `ibloop backtest` leave on disk.
    const store = new AlphaBarStore(target.dataRoot, clock);
    const market = csvMarket({ seed: 9, symbols: ['AAA', 'BBB', 'CCC', 'DDD', 'EEE'], days: 500 });
    for (const [symbol, text] of Object.entries(market))
      await store.put(parseAlphaCsv(text, symbol, symbol), symbol);
    await store.flush();
    const research = prepareResearch(await store.loadMany());
    const dataDigest = await store.dataDigest();
    const { record } = trainModel({
      dataset: research.dataset,
      dataDigest,
      clock,
      config: { family: 'rule', params: {}, seed: 1, retrainEvery: 26, trainWindow: 0, minTrainPeriods: 10 },
    });
    await new ModelRegistry(target.dataRoot).save(record);
    const result = runBacktest(
      {
        panel: research.panel,
        schedule: research.schedule,
        scores: scoresFromRecord(record, research.dataset),
      },
      { modelVersion: record.version, dataDigest, construction: { topN: 2, maxWeight: 0.5 } },
    );
    await new FileBacktestStore(target.dataRoot).save(result);

    const models = await ctx.research.models();
    expect(models).toHaveLength(1);
    expect(models[0]).toMatchObject({ version: record.version, family: 'rule', projectId: null, symbols: 5 });
    const backtests = await ctx.research.backtests();
    expect(backtests).toHaveLength(1);
    expect(backtests[0]).toMatchObject({
      projectId: null,
      modelVersion: record.version,
      dataDigest,
      resultHash: resultHash(result),
    });
    const report = await ctx.research.backtestReport(backtests[0]!.id);
    expect(report.report.curves.equity).toEqual(result.equity);

    // Listing again records nothing new.
    expect(await ctx.research.models()).toHaveLength(1);
    expect(await ctx.research.backtests()).toHaveLength(1);
    expect(await ctx.research.models({ projectId: 1 })).toEqual([]);
  });
});
