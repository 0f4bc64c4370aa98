import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSignedInPage, type SignedInPage } from './harness.js';
import { startLiveTestServer } from './live-harness.js';

interface AuditRow {
  symbol: string;
  expected: number;
  present: number;
  gaps: number;
}

/** The audit table as numbers, located by the column headers (the first column is the expander). */
async function auditRows(table: Locator): Promise<AuditRow[]> {
  const headers = (await table.locator('thead th').allTextContents()).map((h) => h.trim());
  const column = (title: string) => headers.indexOf(title);
  const rows: AuditRow[] = [];
  for (const row of await table.locator('tbody tr.ant-table-row').all()) {
    const cells = (await row.locator('td').allTextContents()).map((c) => c.trim());
    rows.push({
      symbol: cells[column('代码')] ?? '',
      expected: Number(cells[column('应有交易日')]),
      present: Number(cells[column('已有交易日')]),
      gaps: Number(cells[column('缺口')]),
    });
  }
  return rows.sort((a, b) => a.symbol.localeCompare(b.symbol));
}

describe('web app: IB backfill from the Live Trading page (built-in paper gateway)', () => {
  let session: SignedInPage | undefined;
  let page: Page;

  beforeAll(async () => {
    session = await openSignedInPage(() => startLiveTestServer(true), '/live', 'live-tabs');
    page = session.page;
  });
  afterAll(async () => {
    await session?.close();
  });

  it('starts a backfill, shows its progress bar, then the audit shows the window complete', async () => {
    await expect
      .poll(async () => {
        const answer = await page.request.get('/api/ib/status');
        return answer.ok() ? ((await answer.json()) as { status: string }).status : String(answer.status());
      })
      .toBe('CONNECTED');
    const session = (await (await page.request.get('/api/auth/session')).json()) as { csrfToken: string };
    const members = ['AAPL', 'MSFT'].map((symbol) => ({ symbol, name: symbol, sector: '', industry: '' }));
    const created = await page.request.post('/api/themes', {
      headers: { 'x-csrf-token': session.csrfToken },
      data: { name: 'Backfill test', kind: 'system', description: '', members },
    });
    expect(created.status()).toBe(201);

    await page.reload();
    await page.getByRole('tab', { name: '数据完整性' }).click();
    await page.getByTestId('live-bars-universe').click();
    await page
      .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: 'Backfill test' })
      .click();

    // Nothing stored yet: the audit shows every expected session missing.
    await page.getByTestId('live-bars-run').click();
    const table = page.getByTestId('live-bars');
    await expect.poll(async () => (await auditRows(table)).length).toBe(2);
    const before = await auditRows(table);
    for (const row of before) {
      expect(row.expected).toBeGreaterThan(200);
      expect(row.present).toBe(0);
      expect(row.gaps).toBeGreaterThan(0);
    }

    // A year of minute bars is more than one backfill may ask for: the server names the field.
    await page.getByTestId('live-bars-size').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '分钟线' }).click();
    await page.getByTestId('live-backfill').click();
    const windowError = page.getByTestId('live-backfill-error-window');
    await expect
      .poll(async () => (await windowError.count()) > 0 && (await windowError.textContent()))
      .toMatch(/^to: /);
    expect(await page.getByTestId('live-backfill-job').count()).toBe(0);
    await page.getByTestId('live-bars-size').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '日线' }).click();

    await page.getByTestId('live-backfill').click();
    await expect.poll(() => windowError.count()).toBe(0);
    const job = page.getByTestId('live-backfill-job');
    await job.waitFor();
    await expect.poll(() => job.locator('.ant-progress').count()).toBe(1);
    await expect.poll(() => job.getAttribute('data-status')).toBe('succeeded');
    // The server sends a code with its numbers; the zh-CN page says it in Chinese.
    expect(await job.textContent()).toMatch(/获取 [1-9]\d* 段，0 段已存在/);
    expect(await page.getByTestId('live-backfill-result').textContent()).toContain('回填完成');

    // The audit ran again by itself: every expected session of the window is now present.
    await expect
      .poll(async () => (await auditRows(table)).map((r) => [r.symbol, r.present === r.expected, r.gaps]))
      .toEqual([
        ['AAPL', true, 0],
        ['MSFT', true, 0],
      ]);
    const after = await auditRows(table);
    expect(after.map((r) => r.expected)).toEqual(before.map((r) => r.expected));
  });

  it('cancels a running minute-bar backfill from its progress bar, and the server agrees', async () => {
    await page.getByTestId('live-bars-size').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '分钟线' }).click();
    // About ninety days of minute bars: dozens of paced chunks, seconds of work to cancel in.
    const inputs = page.getByTestId('live-bars-form').locator('.ant-picker-range input');
    const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
    await inputs.nth(0).click();
    await inputs.nth(0).fill(day(88));
    await inputs.nth(0).press('Enter');
    await inputs.nth(1).fill(day(1));
    await inputs.nth(1).press('Enter');
    await expect.poll(() => inputs.nth(0).inputValue()).toBe(day(88));

    await page.getByTestId('live-backfill').click();
    const job = page.getByTestId('live-backfill-job');
    await expect.poll(() => job.getAttribute('data-status')).toBe('running');
    await page.getByTestId('live-backfill-job-cancel').click();
    await page.getByTestId('live-backfill-job-cancel-confirm').click();
    await expect.poll(() => job.getAttribute('data-status')).toBe('cancelled');
    expect(await page.getByTestId('live-backfill-job-status').textContent()).toBe('已取消');
    expect(await job.textContent()).toContain('已被 admin 取消');

    // The server agrees (what a cancelled backfill keeps is checked in test/server/job-cancel.test.ts).
    const jobs = (await (await page.request.get('/api/jobs?kind=ib.backfill')).json()) as {
      jobs: Array<{ status: string; params: { barSize?: string } }>;
    };
    expect(jobs.jobs.find((j) => j.params.barSize === '1m')?.status).toBe('cancelled');
  });
});
