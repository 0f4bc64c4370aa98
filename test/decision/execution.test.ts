import { afterEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/alpha/index.js';
import { ConflictError, InputError } from '../../src/core/errors.js';
import { sha256Hex } from '../../src/sources/alpha/index.js';
import { harness, PROJECTS } from '../execution/harness.js';

const SYMBOLS = { AAPL: 200, MSFT: 400 };
const WEIGHTS = { AAPL: 0.2, MSFT: 0.1 };
const DATE = '2026-01-05';

describe('execution reads only decision snapshots', () => {
  let h: Awaited<ReturnType<typeof harness>> | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const runCount = async () =>
    Number(
      (
        await h!.store.db
          .selectFrom('trade_runs')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('refuses a run without a snapshot or weights; nothing is created or sent', async () => {
    h = await harness('sqlite', SYMBOLS);
    const r = await h.replica('p1');
    const error = await r.service
      .executeTargets({ projectId: PROJECTS.demo, tradingDate: DATE })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).field).toBe('snapshotId');
    expect(await runCount()).toBe(0);
    expect(h.broker.log).toHaveLength(0);
  });

  it('the manual path stores a manual snapshot (weights hash, actor) and the run records it', async () => {
    h = await harness('sqlite', SYMBOLS);
    const r = await h.replica('p1');
    const result = await r.service.executeTargets({
      projectId: PROJECTS.demo,
      tradingDate: DATE,
      weights: WEIGHTS,
      actor: 'alice',
    });
    expect(result.run.snapshotId).not.toBeNull();
    const snapshot = await r.service.snapshots.get(result.run.snapshotId!);
    expect(result.run.snapshotHash).toBe(snapshot.contentHash);
    expect(snapshot.kind).toBe('manual');
    expect(snapshot.content.manual).toEqual({ fileHash: sha256Hex(canonicalJson(WEIGHTS)), actor: 'alice' });
    expect(snapshot.content.weightsAfter).toEqual(WEIGHTS);
    // The same weights again: the same snapshot, the run joined.
    const again = await r.service.executeTargets({
      projectId: PROJECTS.demo,
      tradingDate: DATE,
      weights: WEIGHTS,
      actor: 'alice',
    });
    expect(again.joined).toBe(true);
    expect(again.run.snapshotId).toBe(result.run.snapshotId);
  });

  it('an edited snapshot row is detected before trading: no run, no order', async () => {
    h = await harness('sqlite', SYMBOLS);
    const r = await h.replica('p1');
    const { snapshot } = await r.service.snapshots.freezeManual({
      projectId: PROJECTS.demo,
      tradingDate: DATE,
      weights: WEIGHTS,
      fileHash: sha256Hex('file'),
      actor: 'bob',
    });
    const edited = { ...snapshot.content, weightsAfter: { AAPL: 0.9 } };
    await h.store.db
      .updateTable('decision_snapshots')
      .set({ content_json: JSON.stringify(edited) })
      .where('id', '=', snapshot.id)
      .execute();
    const error = await r.service
      .executeTargets({ projectId: PROJECTS.demo, tradingDate: DATE, snapshotId: snapshot.id })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).message).toMatch(/does not verify \(HASH_MISMATCH\)/);
    expect(await runCount()).toBe(0);
    expect(h.broker.log).toHaveLength(0);

    // A snapshot of another project or date is refused, naming the field.
    const { snapshot: other } = await r.service.snapshots.freezeManual({
      projectId: PROJECTS.other,
      tradingDate: DATE,
      weights: WEIGHTS,
      fileHash: sha256Hex('file'),
      actor: 'bob',
    });
    const mismatch = await r.service
      .executeTargets({ projectId: PROJECTS.demo, tradingDate: DATE, snapshotId: other.id })
      .catch((e: unknown) => e);
    expect((mismatch as InputError).field).toBe('snapshotId');
  });

  it('trades a verified snapshot by id, and a run whose snapshot is edited later stops before planning', async () => {
    h = await harness('sqlite', SYMBOLS);
    const r = await h.replica('p1');
    const { snapshot } = await r.service.snapshots.freezeManual({
      projectId: PROJECTS.demo,
      tradingDate: DATE,
      weights: WEIGHTS,
      fileHash: sha256Hex('file'),
      actor: 'bob',
    });
    const result = await r.service.executeTargets({
      projectId: PROJECTS.demo,
      tradingDate: DATE,
      snapshotId: snapshot.id,
    });
    expect(result.run.snapshotId).toBe(snapshot.id);
    expect(result.intents.map((o) => o.symbol).sort()).toEqual(['AAPL', 'MSFT']);
    const sent = h.broker.log.length;
    await h.store.db
      .updateTable('decision_snapshots')
      .set({ content_hash: sha256Hex('forged') })
      .where('id', '=', snapshot.id)
      .execute();
    await expect(
      r.service.executeTargets({ projectId: PROJECTS.demo, tradingDate: DATE, weights: WEIGHTS }),
    ).rejects.toThrow(/snapshot/);
    expect(h.broker.log).toHaveLength(sent);
  });
});
