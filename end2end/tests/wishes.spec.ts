import { test, expect, Page } from '@playwright/test';
import { expectAccessible, seededLinks } from './helpers';

const PASSWORD = process.env.DEMO_STAFF_PASSWORD ?? 'demo-portal-2026';

async function act(page: Page, action: string, fields: Record<string, string> = {}) {
  const form = page.locator(`details[data-action="${action}"]`);
  await form.locator('summary').click();
  for (const [label, value] of Object.entries(fields)) {
    await form.getByLabel(label).fill(value);
  }
  await form.getByRole('button').click();
  await expect(page.getByText('已办理，记录已保存。')).toBeVisible();
}

test('a visitor on a phone claims a wish from the wall and follows it to the confirmed delivery', async ({ page, browser }) => {
  // A published wish of the demo data, and its resident's tracking link.
  const tracking = seededLinks()['published'];
  expect(tracking).toBeTruthy();
  await page.goto(tracking);
  const number = (await page.locator('.kind-badge .number').textContent())!.trim();

  // The wall: the wish is there, anonymised, and the page fits the phone.
  await page.goto('/wishes');
  const card = page.locator(`article.wish-card[data-number="${number}"]`);
  await expect(card).toBeVisible();
  await expect(card.locator('.badge')).toHaveText('待认领');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(390);
  await expectAccessible(page);

  // Claiming with mistakes: messages next to the fields, what was typed stays.
  await card.getByRole('link', { name: /我来认领/ }).click();
  await expect(page).toHaveURL(new RegExp(`/wishes/${number}$`));
  await page.getByLabel('姓名或单位名称').fill('莞邑爱心企业');
  await page.getByLabel(/联系方式/).fill('139');
  await page.getByRole('button', { name: '确认认领' }).click();
  await expect(page.locator('#donor_kind-error')).toHaveText('请选择一项。');
  await expect(page.locator('#contact-error')).toHaveText('请填写11位手机号或有效的邮箱地址。');
  await expect(page.locator('#consent-error')).toHaveText('请勾选同意后再提交。');
  await expect(page.getByLabel('姓名或单位名称')).toHaveValue('莞邑爱心企业');
  await expectAccessible(page);
  await page.getByLabel('企业').check();
  await page.getByLabel(/联系方式/).fill('13955556666');
  await page.getByLabel(/感谢墙/).check();
  await page.getByLabel(/我同意/).check();
  await page.getByRole('button', { name: '确认认领' }).click();
  await page.waitForURL(/\/c\/[a-z0-9]{26}\?claimed=1$/);
  await expect(page.locator('.status-text')).toHaveText('已认领，等待镇街联系');
  const donorPage = new URL(page.url()).pathname;
  await expectAccessible(page);

  // A dispatcher, at a desktop, confirms the claim and records the delivery.
  const office = await browser.newContext({ viewport: { width: 1280, height: 900 }, isMobile: false, hasTouch: false });
  const staff = await office.newPage();
  await staff.goto(`/staff/sign-in?next=/staff/items/${number}`);
  await staff.getByLabel('工作邮箱').fill('dispatch@demo.dg.gov.cn');
  await staff.getByLabel('密码').fill(PASSWORD);
  await staff.getByRole('button', { name: '工作人员登录' }).click();
  await expect(staff).toHaveURL(new RegExp(`/staff/items/${number}$`));
  await expect(staff.locator('.claims')).toContainText('莞邑爱心企业');
  await expect(staff.locator('.claims')).toContainText('13955556666');
  await expectAccessible(staff);
  await act(staff, 'confirm_claim');
  await act(staff, 'fulfil', { 实现情况: '爱心企业已把物品送到家中' });
  await office.close();

  await page.goto(donorPage);
  await expect(page.locator('.status-text')).toHaveText('已送达，等待受助方确认');

  // The beneficiary's side confirms through the tracking link.
  await page.goto(tracking);
  await page.getByRole('button', { name: '确认已收到' }).click();
  await expect(page.getByText('谢谢您的确认！')).toBeVisible();
  await expect(page.locator('.timeline')).toContainText('受助方确认收到');

  await page.goto(donorPage);
  await expect(page.locator('.status-text')).toHaveText('受助方已确认收到，心愿实现');
  await page.goto('/wishes');
  await expect(page.locator('.thanks-list')).toContainText('莞邑爱心企业');
  await expect(page.locator(`article.wish-card[data-number="${number}"]`)).toHaveCount(0);
});
