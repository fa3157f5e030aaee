import { test, expect } from '@playwright/test';
import { expectAccessible, seededLinks } from './helpers';

test('a demo item with feedback: timeline, deadlines, rating, then closed', async ({ page }) => {
  const link = seededLinks()['feedback_given'];
  expect(link, 'the seeder printed an item with feedback').toBeTruthy();
  await page.goto(link);
  await expect(page.locator('.status-text')).toHaveText('已反馈结果，请您评价');
  await expect(page.locator('.timeline li').first()).toContainText(/反馈结果/);
  await expect(page.locator('.deadlines')).toContainText('受理回复');
  await expectAccessible(page);
  await page.screenshot({ path: 'test-results/track-feedback.png', fullPage: true });

  await page.getByRole('button', { name: '提交评价' }).click();
  await expect(page.locator('#rating-error')).toHaveText('请选择您的评价。');
  await page.getByLabel('基本满意').check();
  await page.getByLabel('意见或建议（选填）').fill('办得不错');
  await page.getByLabel('听说过', { exact: true }).check();
  await page.getByRole('button', { name: '提交评价' }).click();
  await expect(page.getByText('谢谢您的评价！')).toBeVisible();
  await expect(page.locator('.status-text')).toHaveText('已办结');
  await expect(page.getByText('您的评价：基本满意')).toBeVisible();
});

test('an unknown tracking link is a friendly 404', async ({ page }) => {
  const res = await page.goto('/t/thisisnotarealtoken000000');
  expect(res!.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('页面不存在');
  await expectAccessible(page);
});
