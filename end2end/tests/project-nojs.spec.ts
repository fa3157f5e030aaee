import { test, expect } from '@playwright/test';
import { expectAccessibleWithoutJs } from './helpers';

test.use({ javaScriptEnabled: false });

test('a micro-project with JavaScript off: errors next to fields, typed values kept, village list by button', async ({ page, browser }) => {
  await page.goto('/project/new');
  await page.getByLabel('事项名称').fill('修复村口路灯');
  await page.getByRole('button', { name: '提交' }).click();

  // The server answers with the same page, the errors by each field and the title kept.
  await expect(page.locator('.summary')).toContainText('处需要修改');
  await expect(page.locator('#description-error')).toHaveText('请填写此项。');
  await expect(page.locator('#phone-error')).toHaveText('请填写此项。');
  await expect(page.getByLabel('事项名称')).toHaveValue('修复村口路灯');
  await expect(page.locator('#description')).toHaveAttribute('aria-invalid', 'true');
  await expectAccessibleWithoutJs(browser, page);

  await page.getByLabel('详细说明').fill('村口主路多盏路灯损坏，夜间出行不安全');
  await page.getByLabel('道路与照明').check();
  await page.locator('#town').selectOption('changan');
  await page.getByRole('button', { name: '显示该镇街的村（社区）' }).click();
  await page.locator('#community').selectOption({ label: '霄边社区' });
  await page.getByLabel('具体位置').fill('霄边大道与村口路交叉口');
  await page.getByLabel('估计费用（元）').fill('80000');
  await page.getByLabel('联系人姓名').fill('李华');
  await page.getByLabel('手机号码').fill('13912345678');
  await page.getByLabel(/我同意/).check();
  await page.getByRole('button', { name: '提交' }).click();

  await expect(page).toHaveURL(/\/t\/[a-z0-9]{26}\?created=1$/);
  await expect(page.getByText(/提交成功！您的受理编号是 P-\d{4}-\d{6}。/)).toBeVisible();
  await expect(page.locator('.facts')).toContainText('霄边社区');
  await page.screenshot({ path: 'test-results/project-created-nojs.png', fullPage: true });

  // Look it up again by number and the last four digits.
  const number = (await page.locator('.kind-badge .number').textContent())!.trim();
  await page.goto('/track');
  await page.getByLabel('受理编号').fill(number);
  await page.getByLabel('手机号码后四位').fill('5678');
  await page.getByRole('button', { name: '查询' }).click();
  await expect(page.locator('.kind-badge .number')).toHaveText(number);
});
