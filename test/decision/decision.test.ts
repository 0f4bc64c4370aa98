import { afterEach, describe, expect, it } from 'vitest';
import { canonicalJson, type Panel } from '../../src/alpha/index.js';
import { replayDecisions } from '../../src/backtest/index.js';
import { InputError } from '../../src/core/errors.js';
import {
  asAlphaPanel,
  buildIbPanel,
  contentHash,
  type DecisionService,
  decide,
  type IbPanel,
  type SnapshotContent,
} from '../../src/decision/index.js';
import { IbBarStore, ibBarsFromColumns } from '../../src/marketdata/index.js';
import { makeAlphaBars, sha256Hex } from '../../src/sources/alpha/index.js';
import type { TestApp } from '../helpers/app.js';
import { ENGINES, type EngineName } from '../helpers/engines.js';
import { AS_OF, insertRun, type Setup, setup, TRADING_DATE, writeIbBars } from './fixture.js';

/**
 * Pins the decision itself (inputs digest, dropped symbols, scores, weights before/after, cuts) of the
 * fixture: a silent change of any stage's results fails here. The full content hash also holds the
 * project parameters (new parameter fields change it), so it is compared across engines and processes.
 */
const GOLDEN_DECISION_HASH = '1d24b51826b827d1fe1bcd433dd36abb535a0197b3e675f0a43d1008c72f2179';

const decisionCore = (c: SnapshotContent) =>
  sha256Hex(
    canonicalJson({
      inputs: c.inputs,
      dropped: c.dropped,
      scores: c.scores,
      weightsBefore: c.weightsBefore,
      weightsAfter: c.weightsAfter,
      cuts: c.cuts,
    }),
  );

describe('decision snapshots', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const hashes = new Map<EngineName, { full: string; core: string }>();

  it.each(ENGINES)(
    'on %s: decides on IB bars, freezes, returns the same snapshot again, verifies',
    async (engine) => {
      const s = await setup(engine);
      t = s.t;
      const first = await s.service.decideAndFreeze({ projectId: s.projectId, tradingDate: TRADING_DATE });
      expect(first.created).toBe(true);
      const c = first.snapshot.content;
      expect(c.kind).toBe('model');
      expect(c.dataSource).toBe('ib');
      expect(c.asOf).toBe(AS_OF);
      expect(c.inputs).toHaveLength(11);
      expect(c.inputs[0]).toMatchObject({ symbol: 'S000', last: AS_OF, rows: 300 });
      expect(c.dropped).toEqual([{ symbol: 'S011', reason: 'BARS_MISSING', lastBar: null }]);
      expect(Object.keys(c.scores)).toHaveLength(11);
      expect(Object.keys(c.weightsAfter)).toHaveLength(5);
      // Construction gives 0.196 a name; the risk stage caps names at 15% and says so.
      expect(c.cuts.length).toBeGreaterThan(0);
      expect(c.cuts.every((cut) => cut.after < cut.before)).toBe(true);
      expect(c.cuts.map((cut) => cut.reason)).toContain('RISK_MAX_POSITION');
      expect(Math.max(...Object.values(c.weightsAfter))).toBeLessThanOrEqual(0.15);
      expect(c.params).toMatchObject({ decision: { missingBars: 'drop', maxStaleDays: 0 } });
      expect(first.snapshot.contentHash).toBe(contentHash(c));
      expect((await s.service.verify(first.snapshot.id)).ok).toBe(true);

      const again = await s.service.decideAndFreeze({ projectId: s.projectId, tradingDate: TRADING_DATE });
      expect(again).toEqual({ snapshot: first.snapshot, created: false });
      expect(await s.count()).toBe(1);
      const audit = await s.t.app.ctx.store.db
        .selectFrom('audit_log')
        .select(['action', 'target'])
        .where('action', 'like', 'decision.%')
        .execute();
      expect(audit).toEqual([
        { action: 'decision.snapshot.frozen', target: `snapshot:${first.snapshot.id}` },
      ]);
      hashes.set(engine, { full: first.snapshot.contentHash, core: decisionCore(c) });
    },
  );

  it('gives the same hash on both engines and matches the golden decision hash', () => {
    const [a, b] = ENGINES.map((engine) => hashes.get(engine));
    expect(a).toBeDefined();
    expect(b).toEqual(a);
    expect(a?.core).toBe(GOLDEN_DECISION_HASH);
  });

  /** Rows bad input must not add to: snapshots, their audit entries, runs. */
  const rows = async (s: Setup) => {
    const db = s.t.app.ctx.store.db;
    const count = async (table: 'audit_log' | 'trade_runs') =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    return { snapshots: await s.count(), audit: await count('audit_log'), runs: await count('trade_runs') };
  };
  const refusal = async (s: Setup, request: Parameters<DecisionService['decideAndFreeze']>[0]) => {
    const error = await s.service.decideAndFreeze(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    // The dry run refuses the same way.
    const dry = await s.service.preview(request).catch((e: unknown) => e);
    expect(dry).toEqual(error);
    return error as InputError;
  };

  it.each(ENGINES)('on %s: refuses bad input naming it, and stores nothing', async (engine) => {
    const s = await setup(engine, { missingBars: 'fail' });
    t = s.t;
    // S010's bars end a week early: stale, named with its last bar.
    writeIbBars(s.t.target.dataRoot, ['S010'], { asOf: '2026-11-13' });
    const before = await rows(s);
    const unknown = await refusal(s, { projectId: 999, tradingDate: TRADING_DATE });
    expect([unknown.field, unknown.reason]).toEqual(['projectId', 'no project with id 999']);
    const sunday = await refusal(s, { projectId: s.projectId, tradingDate: '2026-11-22' });
    expect(sunday.field).toBe('tradingDate');
    expect(sunday.reason).toMatch(/2026-11-22 is not an NYSE trading day/);
    const thanksgiving = await refusal(s, { projectId: s.projectId, tradingDate: '2026-11-26' });
    expect(thanksgiving.reason).toMatch(/2026-11-26 is not an NYSE trading day/);
    expect((await refusal(s, { projectId: s.projectId, tradingDate: '2026-13-01' })).field).toBe(
      'tradingDate',
    );
    const bars = await refusal(s, { projectId: s.projectId, tradingDate: TRADING_DATE });
    expect(bars.field).toBe('bars');
    expect(bars.reason).toMatch(/under policy fail/);
    expect(bars.reason).toMatch(/S010 \(BARS_STALE, last 2026-11-13\)/);
    expect(bars.reason).toMatch(/S011 \(BARS_MISSING\)/);
    expect(await rows(s)).toEqual(before);
  });

  it.each(ENGINES)('on %s: refuses a project without a trained model, naming it', async (engine) => {
    const s = await setup(engine, { model: false });
    t = s.t;
    const before = await rows(s);
    const error = await refusal(s, { projectId: s.projectId, tradingDate: TRADING_DATE });
    expect(error.field).toBe('modelVersion');
    expect(error.reason).toMatch(new RegExp(`project ${s.projectId} version 1 has no trained model`));
    expect(await rows(s)).toEqual(before);
  });

  it('re-decides only explicitly (audited, naming what it supersedes); detects an edited row', async () => {
    const s = await setup('sqlite');
    t = s.t;
    const { snapshot: first } = await s.service.decideAndFreeze({
      projectId: s.projectId,
      tradingDate: TRADING_DATE,
    });
    // New bars for a dropped symbol: the re-decision sees them.
    writeIbBars(s.t.target.dataRoot, ['S011'], { seed: 99 });
    const second = await s.service.redecide(first.id, 'S011 bars arrived', 'alice');
    expect(second.content.supersedes).toEqual({
      id: first.id,
      hash: first.contentHash,
      reason: 'S011 bars arrived',
    });
    expect(second.content.dropped).toEqual([]);
    const now = await s.service.decideAndFreeze({ projectId: s.projectId, tradingDate: TRADING_DATE });
    expect(now.snapshot.id).toBe(second.id);
    await expect(s.service.redecide(first.id, 'again', 'alice')).rejects.toThrow(/not the current decision/);
    const listed = await s.service.list(s.projectId);
    expect(listed.map((x) => [x.id, x.superseded])).toEqual([
      [second.id, false],
      [first.id, true],
    ]);

    const content = JSON.parse(
      (
        await s.t.app.ctx.store.db
          .selectFrom('decision_snapshots')
          .select('content_json')
          .where('id', '=', second.id)
          .executeTakeFirstOrThrow()
      ).content_json,
    ) as SnapshotContent;
    const [symbol] = Object.keys(content.weightsAfter);
    content.weightsAfter[symbol!] = 0.5;
    await s.t.app.ctx.store.db
      .updateTable('decision_snapshots')
      .set({ content_json: JSON.stringify(content) })
      .where('id', '=', second.id)
      .execute();
    const verified = await s.service.verify(second.id);
    expect(verified.ok).toBe(false);
    expect(verified.problems).toContain('HASH_MISMATCH');
  });

  it('parity: a run recomputes bit for bit from stored inputs, or names the first difference', async () => {
    const s = await setup('sqlite');
    t = s.t;
    const { snapshot } = await s.service.decideAndFreeze({
      projectId: s.projectId,
      tradingDate: TRADING_DATE,
    });
    const runId = await insertRun(s.t, snapshot);
    const same = await s.service.parity(runId);
    expect(same).toMatchObject({ recomputable: true, equal: true, firstDifference: null });
    expect(same.compared.scores).toBe(11);

    // A bar of S003 changes after the decision: parity names the input.
    const store = new IbBarStore(s.t.target.dataRoot);
    const bars = store.read('S003', '1 day');
    const close = Float64Array.from(bars.close);
    close[close.length - 1] = close[close.length - 1]! + 1;
    store.writeChunk(ibBarsFromColumns('S003', '1 day', { ...bars, close }), 'fixture', true);
    const changed = await s.service.parity(runId);
    expect(changed.equal).toBe(false);
    expect(changed.firstDifference).toMatchObject({ field: 'inputs', symbol: 'S003' });
  });
});

// Compile-time checks (tsc checks them; never called): live decisions take IB panels only, built from IB bars only.
function typeChecks(ibPanel: IbPanel): void {
  const none = new Float64Array(0);
  const alpha = makeAlphaBars('AAA', {
    days: new Int32Array(0),
    open: none,
    high: none,
    low: none,
    close: none,
    adjustedClose: none,
    volume: none,
    dividend: none,
    splitCoefficient: none,
  });
  // @ts-expect-error research bars are not IB bars: a mix does not compile
  buildIbPanel([alpha]);
  replayDecisions({
    // @ts-expect-error the backtest's replay takes IB panels only (research backtests keep to Alpha data)
    panel: asAlphaPanel(ibPanel),
    sectors: {},
    record: undefined as never,
    params: undefined as never,
    start: AS_OF,
    end: AS_OF,
  });
  const plain: Panel = ibPanel;
  decide({
    // @ts-expect-error a panel without a source brand (not made by buildIbPanel) is refused
    panel: plain,
    decisionDate: AS_OF,
    model: undefined as never,
    sectors: [],
    previousWeights: new Float64Array(0),
    construction: undefined as never,
    risk: undefined as never,
    limits: undefined as never,
  });
}

describe('data sources', () => {
  it('are kept apart at compile time (typeChecks) and at run time', () => {
    expect(typeChecks).toBeTypeOf('function');
    const none = new Float64Array(0);
    const alpha = makeAlphaBars('AAA', {
      days: new Int32Array(0),
      open: none,
      high: none,
      low: none,
      close: none,
      adjustedClose: none,
      volume: none,
      dividend: none,
      splitCoefficient: none,
    });
    expect(() => buildIbPanel([alpha as never])).toThrow(/AAA is not IB daily data/);
  });
});
