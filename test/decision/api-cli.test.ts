import { afterEach, describe, expect, it } from 'vitest';
import type { DecideResponse, ParityResult, Snapshot, SnapshotVerify } from '../../src/contract/decisions.js';
import { ApiClient, TEST_ADMIN_PASSWORD, type TestApp } from '../helpers/app.js';
import { runCli } from '../helpers/cli.js';
import { setup, TRADING_DATE } from './fixture.js';

describe('decision API and CLI', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('a second process (the CLI) decides the same hash; API decides, shows, lists, verifies; bad input is named', async () => {
    const s = await setup('sqlite');
    t = s.t;
    const preview = await s.service.preview({ projectId: s.projectId, tradingDate: TRADING_DATE });

    const cli = (args: string[]) =>
      runCli([...args, '--data-root', s.t.target.dataRoot], { IBLOOP_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD });
    const dry = cli([
      'decide',
      '--project',
      String(s.projectId),
      '--date',
      TRADING_DATE,
      '--dry-run',
      '--json',
    ]);
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    expect((JSON.parse(dry.stdout) as DecideResponse).contentHash).toBe(preview.contentHash);
    expect(await s.count()).toBe(0);

    const client = new ApiClient(s.t.app.url);
    await client.login('admin', TEST_ADMIN_PASSWORD);
    const decided = await client.request<DecideResponse>('POST', `/api/projects/${s.projectId}/decide`, {
      date: TRADING_DATE,
    });
    expect(decided.status).toBe(200);
    expect(decided.body.created).toBe(true);
    expect(decided.body.contentHash).toBe(preview.contentHash);
    const id = decided.body.snapshot!.id;

    const shown = await client.request<Snapshot>('GET', `/api/snapshots/${id}`);
    expect(shown.body.contentHash).toBe(preview.contentHash);
    const listed = await client.request<{ snapshots: { id: number }[] }>(
      'GET',
      `/api/projects/${s.projectId}/snapshots`,
    );
    expect(listed.body.snapshots.map((x) => x.id)).toEqual([id]);
    const verified = await client.request<SnapshotVerify>('GET', `/api/snapshots/${id}/verify`);
    expect(verified.body.ok).toBe(true);

    const sunday = await client.request<{ fields?: { field: string }[] }>(
      'POST',
      `/api/projects/${s.projectId}/decide`,
      { date: '2026-11-22', dryRun: true },
    );
    expect(sunday.status).toBe(400);
    expect(JSON.stringify(sunday.body)).toMatch(/tradingDate/);
    const unknown = await client.request('POST', '/api/projects/999/decide', { date: TRADING_DATE });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toMatch(/projectId/);
    expect((await client.request<ParityResult>('GET', '/api/runs/999/parity')).status).toBe(404);
    expect(await s.count()).toBe(1);

    const verify = cli(['snapshot', 'verify', String(id), '--json']);
    expect(verify.code).toBe(0);
    expect((JSON.parse(verify.stdout) as SnapshotVerify).ok).toBe(true);
    const bad = cli(['decide', '--project', '999', '--date', TRADING_DATE]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--project: no project with id 999/);
  }, 300_000); // three child processes that each load the CLI from source
});
