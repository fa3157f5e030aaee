import { test, expect } from '@playwright/test';
import { codeTextedTo, expectAccessible, PASSWORD } from './helpers';

// Text alerts for staff (issue 23), on a phone: a town's staff member proves a mobile with the code
// texted to it (written as a .sms.txt file under MAIL_DIR: the e2e server has no SMS_URL), sees
// the alerts on with the number partly hidden, and turns them off again.
test('a town staff member turns text alerts on with a texted code, and off again', async ({ page }) => {
  await page.goto('/staff/sign-in');
  await page.getByLabel('工作邮箱').fill('humen@demo.dg.gov.cn');
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '工作人员登录' }).click();
  await expect(page).toHaveURL(/\/staff$/);

  await page.getByRole('link', { name: '短信提醒' }).click();
  const section = page.locator('section#texts');
  await expect(section.getByRole('heading', { name: '短信提醒' })).toBeVisible();
  await expect(section).toContainText('短信提醒未开启');
  await expectAccessible(page);

  // A landline cannot take texts: said next to the field, what was typed kept.
  await section.getByLabel('手机号').fill('0769-2283 1234');
  await section.getByRole('button', { name: '发送验证码' }).click();
  await expect(page.locator('#phone-error')).toContainText('请填写11位手机号');
  await expect(page.locator('section#texts').getByLabel('手机号')).toHaveValue('0769-2283 1234');

  const phone = `139${String(Date.now()).slice(-8)}`;
  await page.locator('section#texts').getByLabel('手机号').fill(phone);
  await page.locator('section#texts').getByRole('button', { name: '发送验证码' }).click();
  const masked = `${phone.slice(0, 3)}****${phone.slice(-4)}`;
  await expect(page.locator('section#texts')).toContainText(`验证码已发送到 ${masked}，10 分钟内有效。`);
  const code = await codeTextedTo(phone);
  await page.locator('section#texts').getByLabel('6 位验证码').fill(code);
  await page.getByRole('button', { name: '确认并开启短信提醒' }).click();
  await expect(page.getByText('短信提醒已开启。')).toBeVisible();
  await expect(page.locator('section#texts')).toContainText(`短信提醒已开启，发送到 ${masked}`);
  await expect(page.locator('section#texts')).not.toContainText(phone);
  await expectAccessible(page);

  await page.getByRole('button', { name: '关闭短信提醒' }).click();
  await expect(page.getByText('短信提醒已关闭，手机号已删除。')).toBeVisible();
  await expect(page.locator('section#texts')).toContainText('短信提醒未开启');
});
