import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/index.js';
import { ManualClock } from '../../src/core/clock.js';
import { type JobProgressEvent, JobRunner } from '../../src/jobs/index.js';
import type { Store } from '../../src/store/index.js';
import { ENGINES, type EngineTarget, freshStore } from '../helpers/engines.js';

/** A promise with its resolve handle, to hold a job's work open until the test lets it go. */
function gate(): { promise: Promise<void>; open(): void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe.each(ENGINES)('job runner on %s', (engine) => {
  let store: Store;
  let target: EngineTarget;
  let runner: JobRunner;
  let audit: AuditLog;
  const events: JobProgressEvent[] = [];
  const clock = new ManualClock(Date.parse('2026-03-02T15:00:00Z'));

  beforeAll(async () => {
    ({ store, target } = await freshStore(engine));
    audit = new AuditLog(store.db, clock);
    runner = new JobRunner({
      db: store.db,
      audit,
      clock,
      publish: (event) => events.push(event),
      progressWriteIntervalMs: 0,
    });
  });
  afterAll(async () => {
    await runner.idle();
    await store.close();
    target.cleanup();
  });

  it('runs a job from queued through running to succeeded, with progress, result and audit', async () => {
    const release = gate();
    const { job, joined } = await runner.start({
      kind: 'test.work',
      scope: 'project:1',
      actor: 'alice',
      params: { n: 3 },
      work: async (handle) => {
        handle.progress(0.5, 'half way');
        await release.promise;
        return { resultRef: 'thing:7', result: { answer: 42 }, message: 'all done' };
      },
    });
    expect(joined).toBe(false);
    expect(job.status).toBe('queued');
    expect(job.params).toEqual({ n: 3 });

    await expect.poll(async () => (await runner.get(job.id)).progress).toBe(0.5);
    const running = await runner.get(job.id);
    expect(running.status).toBe('running');
    expect(running.message).toBe('half way');

    release.open();
    const done = await runner.wait(job.id);
    expect(done).toMatchObject({
      status: 'succeeded',
      progress: 1,
      message: 'all done',
      resultRef: 'thing:7',
      result: { answer: 42 },
      error: null,
      actor: 'alice',
    });
    expect(done.finishedAt).not.toBeNull();
    const mine = events.filter((event) => event.id === job.id);
    expect(mine.map((event) => event.message)).toEqual(['running', 'half way', 'all done']);
    expect(mine.at(-1)?.status).toBe('succeeded');

    const audited = await audit.list({ target: `job:${job.id}` });
    expect(audited.items.map((record) => record.action).sort()).toEqual(['job.start', 'job.succeeded']);
  });

  it('marks a job whose work throws as failed, with the error, and frees its slot', async () => {
    const { job } = await runner.start({
      kind: 'test.work',
      scope: 'project:2',
      actor: 'bob',
      params: {},
      work: async () => {
        throw new Error('disk on fire');
      },
    });
    const failed = await runner.wait(job.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toBe('disk on fire');
    const audited = await audit.list({ target: `job:${job.id}` });
    expect(audited.items.find((r) => r.action === 'job.failed')?.after).toMatchObject({
      error: 'disk on fire',
    });

    // The scope is free again: a new job starts (and is not a join).
    const again = await runner.start({
      kind: 'test.work',
      scope: 'project:2',
      actor: 'bob',
      params: {},
      work: async () => ({}),
    });
    expect(again.joined).toBe(false);
    expect((await runner.wait(again.job.id)).status).toBe('succeeded');
  });

  it('lets one job per kind and scope run: a second request joins it; other scopes run alongside', async () => {
    const release = gate();
    let runs = 0;
    const request = {
      kind: 'test.exclusive',
      scope: 'project:3',
      actor: 'carol',
      params: {},
      work: async () => {
        runs++;
        await release.promise;
        return { resultRef: 'x' };
      },
    };
    const first = await runner.start(request);
    const [second, third] = await Promise.all([runner.start(request), runner.start(request)]);
    expect(second.joined).toBe(true);
    expect(third.joined).toBe(true);
    expect(second.job.id).toBe(first.job.id);
    const elsewhere = await runner.start({ ...request, scope: 'project:4' });
    expect(elsewhere.joined).toBe(false);
    expect(elsewhere.job.id).not.toBe(first.job.id);

    release.open();
    await runner.wait(first.job.id);
    await runner.wait(elsewhere.job.id);
    expect(runs).toBe(2);
    const listed = await runner.list({ kind: 'test.exclusive' });
    expect(listed.map((job) => job.scope).sort()).toEqual(['project:3', 'project:4']);
    expect((await runner.list({ status: 'failed' })).every((job) => job.status === 'failed')).toBe(true);
  });

  it('answers not found for an unknown job', async () => {
    await expect(runner.get(999_999)).rejects.toThrow(/job 999999 does not exist/);
  });
});

describe.each(ENGINES)('job runner recovery on %s', (engine) => {
  it('fails a job left active by a process that died once its heartbeat is stale', async () => {
    const { store, target } = await freshStore(engine);
    try {
      const clock = new ManualClock(Date.parse('2026-03-02T15:00:00Z'));
      const audit = new AuditLog(store.db, clock);
      const runner = new JobRunner({ db: store.db, audit, clock, staleAfterMs: 120_000 });
      const then = new Date(clock.nowMs()).toISOString();
      // What a crashed process leaves behind: a running row that holds its slot.
      const orphan = await store.db
        .insertInto('job_runs')
        .values({
          kind: 'train',
          scope: 'project:9',
          status: 'running',
          progress: 0.3,
          message: 'training',
          params_json: '{}',
          result_ref: null,
          result_json: null,
          error: null,
          active_key: 'train|project:9',
          actor: 'alice',
          created_at: then,
          started_at: then,
          finished_at: null,
          updated_at: then,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const request = { kind: 'train', scope: 'project:9', actor: 'bob', params: {}, work: async () => ({}) };

      clock.advance(60_000);
      const early = await runner.start(request);
      expect(early).toMatchObject({ joined: true, job: { id: Number(orphan.id) } });

      clock.advance(61_000);
      const late = await runner.start(request);
      expect(late.joined).toBe(false);
      expect((await runner.wait(late.job.id)).status).toBe('succeeded');
      const dead = await runner.get(Number(orphan.id));
      expect(dead.status).toBe('failed');
      expect(dead.error).toMatch(/^interrupted/);
    } finally {
      await store.close();
      target.cleanup();
    }
  });
});
