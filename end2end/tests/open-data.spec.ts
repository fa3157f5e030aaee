import { test, expect } from '@playwright/test';
import { expectAccessible } from './helpers';

// The public API's contract as a page (issue 21): every operation listed, its parameters and an example
// answer, readable on a phone in all three languages without sideways scrolling, and accessible.
for (const lang of ['zh-Hans', 'zh-Hant', 'en']) {
  test(`/api/docs lists the public API and reads on a phone (${lang})`, async ({ page, context, baseURL }) => {
    await context.addCookies([{ name: 'lang', value: lang, url: baseURL! }]);
    await page.goto('/api/docs');
    await expect(page.getByRole('link', { name: '/api/openapi.json' })).toBeVisible();
    for (const op of ['GET /api/v1/wishes', 'GET /api/v1/kpi', 'POST /open311/v2/requests.{format}', 'GET /open311/v2/tokens/{token}.{format}']) {
      await expect(page.getByRole('heading', { name: op })).toBeAttached();
    }
    const example = page.locator('#get-api-v1-kpi details').first();
    await example.locator('summary').click();
    await expect(example.locator('pre')).toContainText('"feedback_rate"');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await expectAccessible(page);
    // The contract itself is served beside it.
    const doc = await (await page.request.get('/api/openapi.json')).json();
    expect(doc.openapi).toMatch(/^3\.1/);
  });
}
