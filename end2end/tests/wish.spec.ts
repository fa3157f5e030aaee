import { test, expect } from '@playwright/test';
import { expectAccessible, waitForHydration } from './helpers';

test('home page: both ways in, look-up box, live figures, accessible', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('有困难，说出来；有需要，我们办');
  await expect(page.getByRole('link', { name: /提交微心愿/ }).first()).toBeVisible();
  await expect(page.locator('.tiles .tile')).toHaveCount(4);
  await expect(page.locator('.tile').nth(1)).toContainText('%');
  await expectAccessible(page);
  await page.screenshot({ path: 'test-results/home.png', fullPage: true });
});

test('a micro-wish with JavaScript: inline validation, village list follows the town, no reload', async ({ page }) => {
  await page.goto('/wish/new');
  await waitForHydration(page);
  await expectAccessible(page);

  // Inline validation from the same domain rules, before anything is sent.
  await page.getByLabel('手机号码').fill('12345');
  await page.getByLabel('手机号码').blur();
  await expect(page.locator('#phone-error')).toHaveText('请填写11位手机号码，例如 13812345678。');

  await page.getByLabel('独居老人').check();
  // The beneficiary's details are asked for only when someone fills in for another person, the
  // organisation's name only for an organisation.
  await page.getByLabel('本人', { exact: true }).check();
  await expect(page.locator('#helper_org')).toBeHidden();
  await expect(page.locator('#ben_name')).toBeHidden();
  await page.getByLabel('代表机构填写').check();
  await expect(page.locator('#helper_org')).toBeVisible();
  await page.getByLabel('代他人填写（社工、社区工作人员、亲友）').check();
  await expect(page.locator('#helper_org')).toBeHidden();
  await expect(page.locator('#ben_name')).toBeVisible();
  await page.getByLabel('需要什么帮助？').fill('奶奶腿脚不便，需要一台轮椅');
  await page.getByLabel('估计价值（元）').fill('800');
  await page.locator('#town').selectOption('humen');
  await expect(page.locator('#community option', { hasText: '白沙社区' })).toHaveCount(1);
  await page.locator('#community').selectOption({ label: '白沙社区' });
  await expect(page.locator('#place')).toBeHidden();

  // A failed submit moves the focus to the summary, which links to each field.
  await page.getByRole('button', { name: '提交' }).click();
  await expect(page.locator('#form-summary')).toBeFocused();
  await expect(page.locator('#form-summary a[href="#ben_name"]')).toHaveText('受益人姓名：请填写此项。');
  await page.locator('#form-summary a[href="#ben_name"]').click();
  await page.getByLabel('受益人姓名').fill('王桂英');
  await page.getByLabel('受益人住址').fill('白沙社区三巷8号');
  await page.getByLabel('您和受益人的关系').selectOption('neighbour');
  await page.getByLabel(/受益人（或其监护人）已同意/).check();
  await page.screenshot({ path: 'test-results/wish-helper.png', fullPage: true });
  await page.getByLabel('联系人姓名').fill('王小明');
  await page.getByLabel('手机号码').fill('138 1234 5678');
  await page.getByLabel('手机号码').blur();
  await expect(page.locator('#phone-error')).toBeHidden();
  await page.getByLabel(/我同意/).check();

  // Sent by the island through the server function; the page itself is not reloaded before we go on.
  let formPosts = 0;
  page.on('request', (r) => { if (r.method() === 'POST' && new URL(r.url()).pathname === '/wish/new') formPosts++; });
  await page.getByRole('button', { name: '提交' }).click();
  await page.waitForURL(/\/t\/[a-z0-9]{26}\?created=1$/);
  expect(formPosts).toBe(0);
  await expect(page.getByText(/提交成功！您的受理编号是 W-\d{4}-\d{6}。/)).toBeVisible();
  await expect(page.locator('.status-text')).toHaveText('已分派到镇街，等待受理');
  await expect(page.locator('.facts')).toContainText('王** 138****5678');
  await expectAccessible(page);
  await page.screenshot({ path: 'test-results/wish-created.png', fullPage: true });
});

test('language switch keeps the page and translates it', async ({ page }) => {
  await page.goto('/wish/new');
  await page.getByRole('link', { name: 'EN' }).click();
  await expect(page).toHaveURL(/\/wish\/new$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Make a micro-wish');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.getByRole('link', { name: '简' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('提交民生微心愿');
});
