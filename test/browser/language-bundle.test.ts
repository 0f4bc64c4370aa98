import { describe, expect, it } from 'vitest';
import { FIRST_LOAD_BUDGET_GZIP_BYTES, kb, measureFirstLoad } from '../../bench/web/first-load.js';
import { ensureWebBuilt, WEB_DIST } from './harness.js';

/**
 * Issue 17's first-load budget on the build the browser tests use: the figures themselves are
 * printed by `npm run bench -- bundle`; this only fails when a change pushes the two pages over.
 */
describe('web app: first load', () => {
  it('the login page and the Projects page load at most 350 KB gzipped together', async () => {
    await ensureWebBuilt();
    const load = measureFirstLoad(WEB_DIST);
    const files = load.files.map(({ file, gzip }) => `${file} ${kb(gzip)}`).join(', ');
    expect(load.together.gzip, `${kb(load.together.gzip)}: ${files}`).toBeLessThanOrEqual(
      FIRST_LOAD_BUDGET_GZIP_BYTES,
    );
    // The Projects page's own list must not bring Ant Design's Table back (most of the old 416 KB).
    const projects = load.pages.find((page) => page.name.startsWith('Projects'));
    expect(projects?.gzip ?? Number.POSITIVE_INFINITY).toBeLessThan(40 * 1024);
  }, 300_000);
});
