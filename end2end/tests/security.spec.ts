import { test, expect } from '@playwright/test';
import { expectAccessible, expectAccessibleWithoutJs, waitForHydration } from './helpers';

const PASSWORD = process.env.DEMO_STAFF_PASSWORD ?? 'demo-portal-2026';
const SCRIPT = '</textarea><script>alert(document.domain)</script>';

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('a script typed into the wish form comes back as text, never as a live tag', async ({ page, browser }) => {
    await page.goto('/wish/new');
    await page.getByLabel('需要什么帮助？').fill(SCRIPT);
    await page.getByRole('button', { name: '提交' }).click();
    await expect(page.locator('.summary')).toContainText('处需要修改');
    // The textarea holds exactly what was typed, and the page has no script of the resident's.
    await expect(page.locator('#need')).toHaveValue(SCRIPT);
    expect(await page.content()).not.toContain('<script>alert');
    await expectAccessibleWithoutJs(browser, page);
  });
});

test('the islands hydrate under the Content-Security-Policy, with no violation reported', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/.test(m.text())) violations.push(m.text());
  });
  let dialog = false;
  page.on('dialog', async (d) => {
    dialog = true;
    await d.dismiss();
  });
  const response = await page.goto('/wish/new');
  expect(response?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
  expect(response?.headers()['cache-control']).toBe('no-store');
  await waitForHydration(page);
  await page.getByLabel('需要什么帮助？').fill(SCRIPT);
  await page.getByLabel('需要什么帮助？').blur();
  expect(violations).toEqual([]);
  expect(dialog).toBe(false);
});

test('staff change their own password on a phone; mistakes are named at the field', async ({ page }) => {
  await page.goto('/staff/sign-in');
  await page.getByLabel('工作邮箱').fill('humen@demo.dg.gov.cn');
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '工作人员登录' }).click();
  await expect(page).toHaveURL(/\/staff$/);
  await page.getByRole('link', { name: '修改密码' }).click();
  await expect(page.getByRole('heading', { name: '修改密码' })).toBeVisible();
  await page.getByLabel('当前密码').fill(PASSWORD);
  await page.getByLabel('新密码', { exact: true }).fill('a brand new secret');
  await page.getByLabel('再次输入新密码').fill('not the same one');
  await page.getByRole('button', { name: '保存新密码' }).click();
  await expect(page.locator('#repeat-error')).toHaveText('两次输入的新密码不一样。');
  await expect(page.locator('#repeat')).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page);
  await page.screenshot({ path: 'test-results/staff-password.png', fullPage: true });
});
