import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCTOR_TEXTS } from '../../src/contract/ops-texts.js';
import { closedPort } from '../helpers/ports.js';
import { openSignedInPage, type SignedInPage, startTestServer, switchLanguage } from './harness.js';
import { enFindings } from './language-scan.js';

async function runDoctor(page: Page): Promise<void> {
  await page.getByTestId('doctor-run').click();
  await page.getByTestId('doctor-overall').waitFor({ timeout: 30_000 });
}

/** Issue 16: the doctor panel in Settings names a failing check and shows its fix, in both languages. */
describe('web app: the doctor panel', () => {
  let session: SignedInPage | undefined;
  let page: Page;
  let port: number;

  beforeAll(async () => {
    port = await closedPort();
    session = await openSignedInPage(
      () =>
        startTestServer({ env: { IB_HOST: '127.0.0.1', IB_PORT: String(port), IB_ACCOUNT: 'DU1234567' } }),
      '/settings',
      'doctor-panel',
    );
    page = session.page;
  }, 180_000);

  afterAll(async () => {
    await session?.close();
  });

  it('in zh-CN: the unreachable gateway fails with its fix, the checks that need it are skipped', async () => {
    const zh = DOCTOR_TEXTS['zh-CN'];
    await runDoctor(page);
    expect(await page.getByTestId('doctor-overall').textContent()).toBe(zh.status.fail);
    const status = page.getByTestId('doctor-status-gateway.reachable');
    expect(await status.textContent()).toBe(zh.status.fail);
    const row = page.locator('[data-testid=doctor-panel] tr', { has: status });
    const text = (await row.textContent()) ?? '';
    expect(text).toContain(zh.checks['gateway.reachable']);
    // What was found: the address nothing answers on.
    expect(text).toContain(`127.0.0.1:${port}`);
    expect(text).toContain(`处理：${zh.codes.GATEWAY_UNREACHABLE.fix}`);
    // What cannot be checked without a gateway says so instead of failing again.
    expect(await page.getByTestId('doctor-status-gateway.api').textContent()).toBe(zh.status.skip);
    // A passing check shows no fix.
    const database = page.locator('[data-testid=doctor-panel] tr', {
      has: page.getByTestId('doctor-status-database.reachable'),
    });
    if ((await database.count()) > 0) expect(await database.textContent()).not.toContain('处理：');
  });

  it('in English: the same failure and fix, and no Chinese in the panel', async () => {
    const en = DOCTOR_TEXTS.en;
    await switchLanguage(page, 'English');
    const status = page.getByTestId('doctor-status-gateway.reachable');
    // The report on screen re-renders in the new language without asking the server again.
    expect(await status.textContent()).toBe(en.status.fail);
    await runDoctor(page);
    const row = page.locator('[data-testid=doctor-panel] tr', { has: status });
    const text = (await row.textContent()) ?? '';
    expect(text).toContain(en.checks['gateway.reachable']);
    expect(text).toContain(`Fix: ${en.codes.GATEWAY_UNREACHABLE.fix}`);
    const panel = (await page.getByTestId('doctor-panel').textContent()) ?? '';
    expect(enFindings('settings doctor panel', panel)).toEqual([]);
  });
});
