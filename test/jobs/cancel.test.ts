import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/audit/index.js';
import { ManualClock } from '../../src/core/clock.js';
import { ConflictError, NotFoundError } from '../../src/core/errors.js';
import { JobAbortedError, type JobHandle, type JobProgressEvent, JobRunner } from '../../src/jobs/index.js';
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

const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

/** Work that does small steps until told to stop, counting its steps. */
function loopingWork(counter: { steps: number; sawAbort: unknown }) {
  return async (job: JobHandle) => {
    try {
      for (;;) {
        job.throwIfCancelled();
        counter.steps += 1;
        job.progress(Math.min(0.9, counter.steps / 1000), `step ${counter.steps}`);
        await tick();
      }
    } catch (error) {
      counter.sawAbort = error;
      throw error;
    }
  };
}

describe.each(ENGINES)('job cancellation on %s', (engine) => {
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
      cancelGraceMs: 200,
    });
  });
  afterAll(async () => {
    await runner.idle();
    await store.close();
    target.cleanup();
  });

  it('cancels a running job whose work checks the signal: cancelled, audited, event sent, slot free', async () => {
    const counter = { steps: 0, sawAbort: undefined as unknown };
    const { job } = await runner.start({
      kind: 'test.loop',
      scope: 'cancel:1',
      actor: 'alice',
      params: {},
      work: loopingWork(counter),
    });
    await expect.poll(async () => (await runner.get(job.id)).status).toBe('running');
    await expect.poll(() => counter.steps).toBeGreaterThan(2);

    const cancelled = await runner.cancel(job.id, 'bob');
    expect(cancelled).toMatchObject({ status: 'cancelled', message: 'cancelled by bob', error: null });
    expect(cancelled.finishedAt).not.toBeNull();
    // The work saw the abort reason at its next checkpoint and stopped.
    await expect.poll(() => counter.sawAbort).toBeInstanceOf(JobAbortedError);
    const stepsAtStop = counter.steps;
    await runner.wait(job.id);
    await tick(30);
    expect(counter.steps).toBe(stepsAtStop);

    const final = await runner.get(job.id);
    // English for logs and the CLI; the catalogued message (stored and sent) for the UI's language.
    const said = { code: 'JOB_CANCELLED_BY', params: { actor: 'bob' } };
    expect(final).toMatchObject({ status: 'cancelled', message: 'cancelled by bob', text: said });
    const mine = events.filter((event) => event.id === job.id);
    expect(mine.at(-1)).toMatchObject({ status: 'cancelled', message: 'cancelled by bob', text: said });
    // No progress event after the cancel flips it back to running.
    const cancelIndex = mine.findIndex((event) => event.status === 'cancelled');
    expect(mine.slice(cancelIndex).every((event) => event.status === 'cancelled')).toBe(true);

    const audited = await audit.list({ target: `job:${job.id}` });
    const actions = audited.items.map((record) => record.action).sort();
    expect(actions).toEqual(['job.cancel', 'job.start']);
    expect(audited.items.find((record) => record.action === 'job.cancel')).toMatchObject({
      actor: 'bob',
      after: { kind: 'test.loop', scope: 'cancel:1', status: 'cancelled' },
    });

    // The slot is free: a new job of the same kind and scope starts fresh.
    const again = await runner.start({
      kind: 'test.loop',
      scope: 'cancel:1',
      actor: 'alice',
      params: {},
      work: async () => ({ message: 'quick' }),
    });
    expect(again.joined).toBe(false);
    expect((await runner.wait(again.job.id)).status).toBe('succeeded');
    expect((await runner.list({ status: 'cancelled' })).map((j) => j.id)).toContain(job.id);
  });

  it('answers 409 (conflict) for a finished job and 404 (not found) for an unknown one', async () => {
    const done = await runner.run({
      kind: 'test.quick',
      scope: 'cancel:2',
      actor: 'alice',
      params: {},
      work: async () => ({ message: 'ok' }),
    });
    expect(done.status).toBe('succeeded');
    await expect(runner.cancel(done.id, 'bob')).rejects.toBeInstanceOf(ConflictError);
    await expect(runner.cancel(999_999, 'bob')).rejects.toBeInstanceOf(NotFoundError);
    expect((await runner.get(done.id)).status).toBe('succeeded');
    const audited = await audit.list({ target: `job:${done.id}` });
    expect(audited.items.map((record) => record.action)).not.toContain('job.cancel');

    // Cancelling twice: the second is a conflict too.
    const release = gate();
    const { job } = await runner.start({
      kind: 'test.quick',
      scope: 'cancel:3',
      actor: 'alice',
      params: {},
      work: async () => {
        await release.promise;
        return {};
      },
    });
    await runner.cancel(job.id, 'bob');
    await expect(runner.cancel(job.id, 'bob')).rejects.toBeInstanceOf(ConflictError);
    release.open();
  });

  it('keeps a job cancelled when its work ignores the signal and succeeds late', async () => {
    const release = gate();
    let finishedWork = false;
    const { job } = await runner.start({
      kind: 'test.stubborn',
      scope: 'cancel:4',
      actor: 'alice',
      params: {},
      work: async () => {
        await release.promise;
        finishedWork = true;
        return { resultRef: 'late:1', result: { late: true }, message: 'late success' };
      },
    });
    await expect.poll(async () => (await runner.get(job.id)).status).toBe('running');
    // The grace period passes without the work stopping; the row is cancelled anyway.
    const cancelled = await runner.cancel(job.id, 'carol');
    expect(cancelled.status).toBe('cancelled');
    expect((await runner.get(job.id)).status).toBe('cancelled');

    release.open();
    const final = await runner.wait(job.id);
    expect(finishedWork).toBe(true);
    expect(final).toMatchObject({
      status: 'cancelled',
      message: 'cancelled by carol',
      resultRef: null,
      result: null,
    });
    const audited = await audit.list({ target: `job:${job.id}` });
    expect(audited.items.map((record) => record.action)).not.toContain('job.succeeded');
    expect(events.filter((event) => event.id === job.id).at(-1)?.status).toBe('cancelled');
  });

  it('cancels a job another process runs: the row ends cancelled, and that process stops at its heartbeat', async () => {
    const otherEvents: JobProgressEvent[] = [];
    const other = new JobRunner({
      db: store.db,
      audit,
      clock,
      publish: (event) => otherEvents.push(event),
      heartbeatMs: 20,
    });
    const counter = { steps: 0, sawAbort: undefined as unknown };
    const { job } = await other.start({
      kind: 'test.remote',
      scope: 'cancel:5',
      actor: 'alice',
      params: {},
      work: loopingWork(counter),
    });
    await expect.poll(async () => (await runner.get(job.id)).status).toBe('running');
    const cancelled = await runner.cancel(job.id, 'dave');
    expect(cancelled).toMatchObject({ status: 'cancelled', message: 'cancelled by dave' });
    await expect.poll(() => counter.sawAbort).toBeInstanceOf(JobAbortedError);
    await other.idle();
    expect((await runner.get(job.id)).status).toBe('cancelled');
    // Waiting from this process (polling the row) ends too.
    expect((await runner.wait(job.id, 10)).status).toBe('cancelled');
  });

  it('cancels a queued job of another process (a bare row): the row ends cancelled and frees its slot', async () => {
    const now = new Date(clock.nowMs()).toISOString();
    const inserted = await store.db
      .insertInto('job_runs')
      .values({
        kind: 'test.queued',
        scope: 'cancel:6',
        status: 'queued',
        progress: 0,
        message: 'queued',
        params_json: '{}',
        result_ref: null,
        result_json: null,
        error: null,
        active_key: 'test.queued|cancel:6',
        actor: 'alice',
        created_at: now,
        started_at: null,
        finished_at: null,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const id = Number(inserted.id);
    const cancelled = await runner.cancel(id, 'erin');
    expect(cancelled).toMatchObject({ status: 'cancelled', message: 'cancelled by erin', startedAt: null });
    expect((await runner.wait(id, 10)).status).toBe('cancelled');
    const next = await runner.start({
      kind: 'test.queued',
      scope: 'cancel:6',
      actor: 'alice',
      params: {},
      work: async () => ({}),
    });
    expect(next.joined).toBe(false);
    await runner.wait(next.job.id);
  });

  it('fails a job that runs past its time limit with "timed out after N s"', async () => {
    const counter = { steps: 0, sawAbort: undefined as unknown };
    const { job } = await runner.start({
      kind: 'test.slow',
      scope: 'cancel:7',
      actor: 'alice',
      params: {},
      timeoutMs: 150,
      work: loopingWork(counter),
    });
    const final = await runner.wait(job.id);
    expect(final).toMatchObject({
      status: 'failed',
      message: 'timed out after 0.15 s',
      error: 'timed out after 0.15 s',
    });
    expect(counter.sawAbort).toBeInstanceOf(JobAbortedError);
    expect((counter.sawAbort as JobAbortedError).reason).toBe('timeout');
    expect(events.filter((event) => event.id === job.id).at(-1)).toMatchObject({
      status: 'failed',
      message: 'timed out after 0.15 s',
    });
    const audited = await audit.list({ target: `job:${job.id}` });
    expect(audited.items.find((record) => record.action === 'job.failed')?.after).toMatchObject({
      error: 'timed out after 0.15 s',
    });

    // A job that finishes within its limit is not touched by it.
    const quick = await runner.run({
      kind: 'test.slow',
      scope: 'cancel:8',
      actor: 'alice',
      params: {},
      timeoutMs: 5_000,
      work: async () => ({ message: 'in time' }),
    });
    expect(quick).toMatchObject({ status: 'succeeded', message: 'in time' });
  });
});
