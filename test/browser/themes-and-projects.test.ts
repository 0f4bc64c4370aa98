import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSignedInPage, type SignedInPage, startTestServer } from './harness.js';

const THEME = 'AI 芯片';

async function expectToast(page: Page, text: string): Promise<void> {
  await expect
    .poll(() => page.locator('.ant-message-notice').allTextContents())
    .toContainEqual(expect.stringContaining(text));
}

/** Picks an option of an antd Select by its visible label. */
async function pick(page: Page, testId: string, label: string): Promise<void> {
  await page.getByTestId(testId).click();
  await page
    .locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: label })
    .first()
    .click();
}

function formItem(page: Page, testId: string) {
  return page.locator('.ant-form-item', { has: page.getByTestId(testId) });
}

async function fillRow(
  page: Page,
  row: number,
  cells: Record<'symbol' | 'name' | 'sector' | 'industry', string>,
) {
  for (const [column, value] of Object.entries(cells)) {
    await page.getByTestId(`member-${column}`).nth(row).fill(value);
  }
}

function listNames(page: Page, list: string): Promise<string[]> {
  return page.locator(`[data-testid=${list}] .ant-table-row td:first-child`).allTextContents();
}

/** The Projects page's own list (a plain table, not Ant Design's). */
function projectNames(page: Page): Promise<string[]> {
  return page.locator('[data-testid=project-row] .project-name').allTextContents();
}

describe('web app: themes and projects', () => {
  let session: SignedInPage | undefined;
  let page: Page;

  beforeAll(async () => {
    // One signed-in page walks through the whole story; each step builds on the previous one.
    session = await openSignedInPage(() => startTestServer(), '/themes', 'theme-create');
    page = session.page;
  });
  afterAll(async () => {
    await session?.close();
  });

  it('creates a theme with members, showing a bad symbol on its cell until fixed', async () => {
    await page.getByTestId('theme-create').click();
    await page.getByTestId('theme-name').fill(THEME);
    await page.getByTestId('theme-description').fill('GPU 与晶圆代工');
    await page.getByTestId('member-add').click();
    await page.getByTestId('member-add').click();
    await fillRow(page, 0, {
      symbol: '1NVDA',
      name: 'NVIDIA',
      sector: 'Information Technology',
      industry: 'Semis',
    });
    await fillRow(page, 1, {
      symbol: 'tsm',
      name: 'TSMC',
      sector: 'Information Technology',
      industry: 'Foundry',
    });
    await page.getByTestId('theme-save').click();

    const symbolCell = page.getByTestId('member-symbol').nth(0);
    await expect.poll(() => symbolCell.getAttribute('data-error')).toContain('must be a ticker');
    await expect.poll(() => page.getByTestId('member-errors').textContent()).toContain('1 个单元格有误');
    expect(await page.getByTestId('member-symbol').nth(1).getAttribute('data-error')).toBe('');

    await symbolCell.fill('nvda');
    expect(await symbolCell.getAttribute('data-error')).toBe('');
    await page.getByTestId('theme-save').click();
    await expectToast(page, `已创建主题「${THEME}」`);

    await expect.poll(() => page.getByTestId('theme-detail-name').textContent()).toBe(THEME);
    expect(await page.getByTestId('theme-member-count').textContent()).toBe('2');
    // Symbols are stored upper-case, whatever was typed.
    const symbols = await page
      .locator('[data-testid=theme-members] .ant-table-row td:first-child')
      .allTextContents();
    expect(symbols.sort()).toEqual(['NVDA', 'TSM']);
    expect(await page.getByTestId('sector-chart').getAttribute('data-sectors')).toBe(
      'Information Technology:2',
    );
    expect(await listNames(page, 'theme-list')).toEqual([THEME]);
  });

  it('refuses a CSV with a bad line, naming the line, then merges a good one', async () => {
    await page.getByTestId('theme-import').click();
    await page
      .getByTestId('import-csv')
      .fill('symbol,name,sector,industry\nAMD,AMD,Information Technology,Semis\n9BAD,Nope,X,Y\n');
    await page.getByTestId('import-submit').click();
    const errors = page.getByTestId('import-error');
    await expect.poll(() => errors.allTextContents()).toHaveLength(1);
    const text = (await errors.first().textContent()) ?? '';
    expect(text).toContain('第 3 行');
    expect(text).toContain('symbol');
    expect(text).toContain('must be a ticker');
    // Refused as a whole: the theme still has its two members.
    expect(await page.getByTestId('theme-member-count').textContent()).toBe('2');

    // The good file comes as an upload: it is read in the browser and shown before it is sent.
    const goodCsv =
      'symbol,name,sector,industry\nAMD,AMD,Information Technology,Semis\nLLY,Eli Lilly,Health Care,Pharma\n';
    await page
      .locator('.ant-modal input[type=file]')
      .setInputFiles({ name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from(goodCsv) });
    await expect.poll(() => page.getByTestId('import-csv').inputValue()).toBe(goodCsv);
    await page.getByTestId('import-submit').click();
    await expectToast(page, '导入完成，当前共 4 个成员');
    await expect.poll(() => page.getByTestId('theme-member-count').textContent()).toBe('4');
    expect(await page.getByTestId('sector-chart').getAttribute('data-sectors')).toBe(
      'Information Technology:3;Health Care:1',
    );
    expect(await page.getByTestId('import-errors').count()).toBe(0);

    // The export link downloads what the theme now holds.
    const href = await page.getByTestId('theme-export').getAttribute('href');
    expect(href).toMatch(/^\/api\/themes\/\d+\/export$/);
    const csv = await (await page.request.get(href ?? '')).text();
    expect(csv.split('\n')[0]).toBe('symbol,name,sector,industry');
    expect(csv).toContain('LLY,Eli Lilly,Health Care,Pharma');
  });

  it('finds the theme by member symbol and sector, and nothing for an unknown word', async () => {
    // Until the page has re-rendered with the typed text, Enter may still search the previous text
    // (the box is a controlled input); so type, wait for the box to hold the text, and press Enter
    // until the address bar shows the search. Pressing Enter again for the same text changes nothing.
    const search = async (text: string) => {
      const box = page.getByTestId('theme-search').locator('input');
      await box.fill(text);
      await expect.poll(() => box.inputValue()).toBe(text);
      await expect
        .poll(async () => {
          await box.press('Enter');
          return new URL(page.url()).searchParams.get('q') ?? '';
        })
        .toBe(text);
      // The address bar changes before the page has rendered the search; wait for the render.
      await expect.poll(() => page.getByTestId('theme-list-card').getAttribute('data-query')).toBe(text);
    };
    await search('LLY');
    await expect.poll(() => page.url()).toContain('q=LLY');
    await expect.poll(() => listNames(page, 'theme-list')).toEqual([THEME]);
    await search('zz-no-such-thing');
    await expect
      .poll(() => page.locator('[data-testid=theme-list]').textContent())
      .toContain('没有匹配的主题');
    await search('health care');
    await expect.poll(() => listNames(page, 'theme-list')).toEqual([THEME]);
    await search('');
  });

  it('deletes a theme after confirmation', async () => {
    await page.getByTestId('theme-create').click();
    await page.getByTestId('theme-name').fill('临时主题');
    await page.getByTestId('theme-save').click();
    await expectToast(page, '已创建主题「临时主题」');
    await expect.poll(() => listNames(page, 'theme-list')).toContain('临时主题');
    await page.getByTestId('theme-delete').click();
    await page.locator('.ant-popconfirm .ant-btn-dangerous').click();
    await expectToast(page, '已删除主题「临时主题」');
    await expect.poll(() => listNames(page, 'theme-list')).toEqual([THEME]);
  });

  it('creates a project: a bad parameter is shown on its field, then good ones are saved', async () => {
    await page.getByTestId('nav-projects').click();
    await page.getByTestId('projects-reports-note').waitFor();
    await page.getByTestId('project-create').click();
    await page.getByTestId('project-name').fill('AI 周度');
    await pick(page, 'project-themes', THEME);
    await page.keyboard.press('Escape');
    await page.getByTestId('project-maxWeight').fill('1.5');
    await page.getByTestId('project-save').click();

    const maxWeightError = formItem(page, 'project-maxWeight').locator('.ant-form-item-explain-error');
    // The server's reason as a catalogued code (FIELD_MAX, maximum 1), said in the UI language.
    await expect.poll(() => maxWeightError.textContent()).toBe('不能大于 1');
    expect(await formItem(page, 'project-topN').locator('.ant-form-item-explain-error').count()).toBe(0);
    expect(await projectNames(page)).toEqual([]);

    await page.getByTestId('project-maxWeight').fill('0.2');
    await page.getByTestId('project-save').click();
    await expectToast(page, '已创建项目「AI 周度」');
    await expect.poll(() => projectNames(page)).toContain('AI 周度');
    await expect.poll(() => page.getByTestId('project-detail-name').textContent()).toBe('AI 周度');
    expect(await page.getByTestId('project-current-version').textContent()).toBe('v1');
    expect(await page.getByTestId('param-maxWeight').textContent()).toBe('20%');

    // The universe is the theme's members, counted by sector.
    await page.getByRole('tab', { name: /股票池/ }).click();
    const sectors = page.locator('[data-testid=sector-counts] .ant-table-row');
    await expect
      .poll(() => sectors.allTextContents())
      // GICS sector names in the UI language (the data keeps the English names).
      .toEqual(['信息技术375.0%', '医疗保健125.0%']);
    expect(await page.locator('[data-testid=universe-members] .ant-table-row').count()).toBe(4);
  });

  it('editing parameters adds version 2, with who/when and a diff against version 1', async () => {
    await page.getByTestId('project-edit').click();
    await page.getByTestId('project-topN').fill('10');
    await pick(page, 'project-family', 'gbt');
    await page.getByTestId('project-save').click();
    await expectToast(page, '已保存，生成版本 v2');
    await expect.poll(() => page.getByTestId('project-current-version').textContent()).toBe('v2');

    await page.getByRole('tab', { name: /版本历史/ }).click();
    const versions = page.locator('[data-testid=project-versions] .ant-table-row');
    await expect.poll(() => versions.count()).toBe(2);
    expect(await page.getByTestId('project-version').allTextContents()).toEqual(['v2', 'v1']);
    expect(await versions.first().textContent()).toContain('admin');

    const diff = page.locator('[data-testid=project-diff] .ant-table-row');
    await expect.poll(() => diff.allTextContents()).toEqual(['model.familyrulegbt', 'portfolio.topN2010']);

    await page.getByTestId('project-live').click();
    await expect
      .poll(() => new URL(page.url()).pathname + new URL(page.url()).search)
      .toMatch(/^\/live\?project=\d+$/);
    await expect
      .poll(() => page.getByTestId('live-project').textContent())
      .toContain('项目「AI 周度」（v2）的实盘交易');
  });
});
