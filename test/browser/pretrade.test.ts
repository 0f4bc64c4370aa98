import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTradingDay, newYorkDay, nextTradingDay } from '../../src/calendar/index.js';
import { openSignedInPage, type SignedInPage } from './harness.js';
import { startLiveTestServer } from './live-harness.js';

/**
 * The Live Trading run view of a run the pre-trade checks blocked: the BLOCKED status with the failed
 * rule, and the verdict table with translated rule names and evidence, in Chinese and English.
 */
describe('web app: a run blocked by pre-trade risk', () => {
  let session: SignedInPage | undefined;
  let page: Page;

  beforeAll(async () => {
    session = await openSignedInPage(() => startLiveTestServer(true), '/live', 'live-tabs');
    page = session.page;
  });
  afterAll(async () => {
    await session?.close();
  });

  it('shows BLOCKED, the failed rule and every verdict with its evidence', async () => {
    const auth = (await (await page.request.get('/api/auth/session')).json()) as { csrfToken: string };
    const headers = { 'x-csrf-token': auth.csrfToken };
    const theme = await page.request.post('/api/themes', {
      headers,
      data: {
        name: 'Pretrade UI',
        kind: 'system',
        description: '',
        members: [{ symbol: 'AAPL', name: 'AAPL', sector: 'Information Technology', industry: '' }],
      },
    });
    expect(theme.status()).toBe(201);
    const themeId = ((await theme.json()) as { theme: { id: number } }).theme.id;
    const project = await page.request.post('/api/projects', {
      headers,
      data: { name: 'pretrade-ui', params: { themeIds: [themeId] } },
    });
    expect(project.status()).toBe(201);
    const projectId = ((await project.json()) as { project: { id: number } }).project.id;
    const today = newYorkDay(Date.now());
    const tradingDate = isTradingDay(today) ? today : nextTradingDay(today);
    // 30% in one name against the default 10% cap.
    const run = await page.request.post('/api/execution/runs', {
      headers,
      data: { projectId, tradingDate, weights: { AAPL: 0.3 } },
    });
    expect(run.status()).toBe(201);
    const body = (await run.json()) as { run: { id: number; status: string }; sent: number };
    expect(body.run.status).toBe('BLOCKED');
    expect(body.sent).toBe(0);

    await page.reload();
    await page.getByRole('tab', { name: '调仓批次与订单' }).click();
    await page.getByTestId('live-runs').locator('tbody tr', { hasText: 'pretrade-ui' }).click();
    const banner = page.getByTestId('live-run-blocked');
    await banner.waitFor();
    expect(await banner.textContent()).toContain('敞口');
    const verdicts = page.getByTestId('live-pretrade-verdicts');
    await verdicts.waitFor();
    expect(await verdicts.locator('tbody tr.ant-table-row').count()).toBe(5);
    const exposure = (await verdicts.locator('tbody tr', { hasText: '敞口' }).textContent()) ?? '';
    expect(exposure).toContain('未通过');
    expect(exposure).toMatch(/AAPL 权重 \d+\.\d+% 超过单票上限 10\.00%/);
    expect((await verdicts.locator('tbody tr', { hasText: '资金' }).textContent()) ?? '').toContain('通过');

    await page.getByTestId('language-switch').getByText('English', { exact: true }).click();
    await expect.poll(async () => (await banner.textContent()) ?? '').toContain('Exposure');
    expect((await verdicts.locator('tbody tr', { hasText: 'Exposure' }).textContent()) ?? '').toMatch(
      /AAPL weight \d+\.\d+% is above the single-name cap 10\.00%/,
    );
  });
});
