import { test, expect } from '@playwright/test';
import { expectAccessible } from './helpers';

const PASSWORD = process.env.DEMO_STAFF_PASSWORD ?? 'demo-portal-2026';

test.use({ viewport: { width: 1280, height: 900 }, isMobile: false, hasTouch: false });

test('an admin adds a holiday; a bad setting is explained next to its field and kept', async ({ page }) => {
  await page.goto('/staff/sign-in');
  await page.getByLabel('工作邮箱').fill('admin@demo.dg.gov.cn');
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '工作人员登录' }).click();
  await expect(page).toHaveURL(/\/staff\/admin$/);
  await expect(page.getByRole('heading', { name: '系统管理' })).toBeVisible();
  await expectAccessible(page);

  const calendar = page.locator('#calendar');
  await calendar.getByLabel('日期').fill('2026-12-31');
  await calendar.getByLabel('说明').fill('演示放假');
  await calendar.getByRole('button', { name: '保存' }).click();
  await expect(page.locator('#calendar')).toContainText('演示放假');

  const settings = page.locator('#settings');
  await settings.getByLabel('受理回复时限（小时）').fill('0');
  await settings.getByRole('button', { name: '保存' }).click();
  await expect(page.locator('#settings-acceptance_hours-error')).toHaveText('请填写范围内的整数。');
  await expect(page.locator('#settings-acceptance_hours')).toHaveValue('0');
  await expectAccessible(page);
});
