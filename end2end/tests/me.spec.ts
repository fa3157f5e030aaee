import { test, expect } from '@playwright/test';
import { codeMailedTo, codeTextedTo, expectAccessibleWithoutJs } from './helpers';

test.use({ javaScriptEnabled: false });

test('a resident who gave an email signs in with a mailed code and sees the request', async ({ page, browser }) => {
  const email = `mei.${Date.now()}@example.org`;
  await page.goto('/project/new');
  await page.getByLabel('事项名称').fill('社区增设长椅');
  await page.getByLabel('详细说明').fill('小区门口公交站没有座椅，老人候车不便');
  await page.getByLabel('环境卫生').check();
  await page.locator('#town').selectOption('changan');
  await page.getByRole('button', { name: '显示该镇街的村（社区）' }).click();
  await page.locator('#community').selectOption({ label: '霄边社区' });
  await page.getByLabel('具体位置').fill('霄边大道公交站');
  await page.getByLabel('估计费用（元）').fill('6000');
  await page.getByLabel('联系人姓名').fill('陈美');
  await page.getByLabel('手机号码').fill('13912340000');
  await page.getByLabel('电子邮箱（选填）').fill(email);
  await page.getByLabel(/我同意/).check();
  await page.getByRole('button', { name: '提交' }).click();
  await expect(page).toHaveURL(/\/t\/[a-z0-9]{26}\?created=1$/);
  const number = (await page.locator('.kind-badge .number').textContent())!.trim();

  await page.getByRole('link', { name: '我的诉求' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('我的诉求');
  await page.getByLabel('邮箱').fill('not an address');
  await page.getByRole('button', { name: '发送验证码' }).click();
  await expect(page.locator('#email-error')).toContainText('请填写11位手机号');
  await expect(page.getByLabel('邮箱')).toHaveValue('not an address');
  await expectAccessibleWithoutJs(browser, page);

  await page.getByLabel('邮箱').fill(email.toUpperCase());
  await page.getByRole('button', { name: '发送验证码' }).click();
  await expect(page.getByRole('status')).toContainText(email);
  const code = await codeMailedTo(email);
  await page.getByLabel('6 位验证码').fill(code === '000000' ? '111111' : '000000');
  await page.getByRole('button', { name: '查看我的诉求' }).click();
  await expect(page.locator('#code-error')).toContainText('验证码不对');
  await page.getByLabel('6 位验证码').fill(code);
  await page.getByRole('button', { name: '查看我的诉求' }).click();
  await expect(page.getByRole('link', { name: number })).toBeVisible();
  const card = page.getByRole('list', { name: '我的诉求' }).getByRole('listitem').filter({ hasText: number });
  await expect(card).toContainText('社区增设长椅');
  await expect(card).toContainText('已分派到镇街，等待受理');
  await expectAccessibleWithoutJs(browser, page);
  await page.screenshot({ path: 'test-results/my-items.png', fullPage: true });
  await page.getByRole('link', { name: number }).click();
  await expect(page.locator('.kind-badge .number')).toHaveText(number);
});

test('a resident who gave only a mobile number signs in with a texted code', async ({ page, browser }) => {
  const phone = `137${String(Date.now()).slice(-8)}`;
  await page.goto('/project/new');
  await page.getByLabel('事项名称').fill('村口增设路灯');
  await page.getByLabel('详细说明').fill('村口到公交站一段路晚上没有灯，老人走路不安全');
  await page.getByLabel('环境卫生').check();
  await page.locator('#town').selectOption('changan');
  await page.getByRole('button', { name: '显示该镇街的村（社区）' }).click();
  await page.locator('#community').selectOption({ label: '霄边社区' });
  await page.getByLabel('具体位置').fill('霄边村口');
  await page.getByLabel('估计费用（元）').fill('8000');
  await page.getByLabel('联系人姓名').fill('黄伯');
  await page.getByLabel('手机号码').fill(phone);
  await page.getByLabel(/我同意/).check();
  await page.getByRole('button', { name: '提交' }).click();
  await expect(page).toHaveURL(/\/t\/[a-z0-9]{26}\?created=1$/);
  const number = (await page.locator('.kind-badge .number').textContent())!.trim();

  await page.goto('/me');
  // Typed the way people say it, with spaces.
  await page.getByLabel('手机号或邮箱').fill(`${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`);
  await page.getByRole('button', { name: '发送验证码' }).click();
  await expect(page.getByRole('status')).toContainText(phone);
  const code = await codeTextedTo(phone);
  await page.getByLabel('6 位验证码').fill(code);
  await page.getByRole('button', { name: '查看我的诉求' }).click();
  await expect(page.getByRole('link', { name: number })).toBeVisible();
  await expectAccessibleWithoutJs(browser, page);
});
