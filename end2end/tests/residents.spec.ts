import { test, expect } from '@playwright/test';
import { expectAccessible, expectAccessibleWithoutJs, waitForHydration } from './helpers';

// Issue 15 at phone size (390×844): a resident whose village is not listed, with and without
// JavaScript; the tracking page's next step, copy button and QR code.

test('not listed, with JavaScript: the place in words, then the plain next step', async ({ page }) => {
  await page.goto('/project/new');
  await waitForHydration(page);
  await page.getByLabel('事项名称').fill('修复新围路口的路灯');
  await page.getByLabel('详细说明').fill('路口三盏路灯坏了半年，老人晚上出门看不清路');
  await page.getByLabel('道路与照明').check();
  await page.locator('#town').selectOption('songshanlake');
  // 松山湖 has no residents' committee on the official list: only "not listed" can be chosen.
  await expect(page.locator('#place')).toBeHidden();
  await page.locator('#community').selectOption('not_listed');
  await expect(page.locator('#place')).toBeVisible();
  await page.getByLabel('具体在哪里？').fill('大学路与新竹路交界');
  await page.locator('#location').fill('路口东侧');
  await page.getByLabel('估计费用（元）').fill('30000');
  await page.getByLabel('联系人姓名').fill('陈明');
  await page.getByLabel('手机号码').fill('13912345678');
  await page.getByLabel(/我同意/).check();
  await expectAccessible(page);
  await page.screenshot({ path: 'test-results/form-not-listed.png', fullPage: true });
  await page.getByRole('button', { name: '提交' }).click();
  await page.waitForURL(/\/t\/[a-z0-9]{26}\?created=1$/);
  await expect(page.locator('.next-step')).toContainText(/松山湖将在 \d+月\d+日 \d\d:\d\d 前答复是否受理。/);
  await expect(page.locator('.facts')).toContainText('大学路与新竹路交界');
  await page.getByText('显示二维码').click();
  await expect(page.locator('img.qr-code')).toBeVisible();
  await expect.poll(() => page.locator('img.qr-code').evaluate((i: HTMLImageElement) => i.naturalWidth)).toBeGreaterThan(100);
  // One tap copies the private link (a 1 KB script: this page loads no WebAssembly).
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByRole('button', { name: '复制链接' }).click();
  await expect(page.locator('.copied')).toHaveText('已复制');
  const link = await page.locator('.share .link a').textContent();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  await expectAccessible(page);
  await page.screenshot({ path: 'test-results/track-next-step.png', fullPage: true });
});

test('not listed, without JavaScript: the reload comes back to the village field', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.goto('/wish/new');
  await page.getByLabel('独居老人').check();
  await page.getByLabel('本人', { exact: true }).check();
  await page.getByLabel('需要什么帮助？').fill('家里的旧轮椅坏了，需要一台新轮椅');
  await page.getByLabel('估计价值（元）').fill('600');
  await page.locator('#town').selectOption('humen');
  await page.getByRole('button', { name: '显示该镇街的村（社区）' }).click();
  await expect(page).toHaveURL(/\/wish\/new#community$/);
  await expect(page.locator('#community option')).toHaveCount(34); // "choose", 32 of the list, "not listed"
  await expect(page.getByLabel('需要什么帮助？')).toHaveValue('家里的旧轮椅坏了，需要一台新轮椅');
  await page.locator('#community').selectOption('not_listed');
  // Without JavaScript the stylesheet shows the place field as soon as "not listed" is chosen.
  await expect(page.locator('#place')).toBeVisible();
  await page.getByLabel('具体在哪里？').fill('北栅东坊三巷口');
  await page.getByLabel('联系人姓名').fill('黄伯');
  await page.getByLabel('手机号码').fill('13812345670');
  await page.getByLabel(/我同意/).check();
  await page.getByRole('button', { name: '提交' }).click();
  await page.waitForURL(/\/t\/[a-z0-9]{26}\?created=1$/);
  await expect(page.locator('.next-step')).toContainText('虎门镇将在');
  await expect(page.locator('.facts')).toContainText('北栅东坊三巷口');
  await expectAccessibleWithoutJs(browser, page);
  await context.close();
});

test('place names follow the chosen script', async ({ page }) => {
  await page.goto('/lang/zh-Hant?back=/wish/new');
  await waitForHydration(page);
  await page.locator('#town').selectOption('humen');
  await expect(page.locator('#community option', { hasText: '虎門寨社區' })).toHaveCount(1);
  await page.goto('/lang/en?back=/wish/new');
  await waitForHydration(page);
  await page.locator('#town').selectOption('humen');
  await expect(page.locator('#community option', { hasText: 'Humenzhai Community (虎门寨社区)' })).toHaveCount(1);
  await expect(page.locator('#community option[value="not_listed"]')).toHaveText('Not listed / not sure');
  await page.screenshot({ path: 'test-results/form-en.png' });
  await page.goto('/lang/zh-Hans?back=/');
});
