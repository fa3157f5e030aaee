import { test, expect } from '@playwright/test';
import { act, codeMailedTo, expectAccessible, signInStaff, waitForHydration } from './helpers';

// Issue 21: ten residents of one village propose the same thing. A resident typing a micro-project on a
// phone is shown the similar proposal already under public notice in their village, and supports it.
test('a resident typing a project on a phone is pointed to the same one under notice and supports it', async ({ page, browser }) => {
  // The first proposal, sent without JavaScript, put under notice by the dispatcher.
  const form = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 390, height: 844 } });
  const first = await form.newPage();
  await first.goto('/project/new');
  const tag = `${'甲乙丙丁戊己庚辛壬癸'[Date.now() % 10]}${'子丑寅卯辰巳午未申酉'[Math.floor(Date.now() / 10) % 10]}`;
  const title = `村口公交站增设候车座椅${tag}`;
  await first.getByLabel('事项名称').fill(title);
  await first.getByLabel('详细说明').fill('村口公交站没有候车座椅，老人候车站很久很辛苦');
  await first.getByLabel('道路与照明').check();
  await first.locator('#town').selectOption('changan');
  await first.getByRole('button', { name: '显示该镇街的村（社区）' }).click();
  await first.locator('#community').selectOption({ label: '霄边社区' });
  await first.getByLabel('具体位置').fill('霄边村口公交站');
  await first.getByLabel('估计费用（元）').fill('5000');
  await first.getByLabel('联系人姓名').fill('陈美玲');
  await first.getByLabel('手机号码').fill('13912340002');
  await first.getByLabel(/我同意/).check();
  await first.getByRole('button', { name: '提交' }).click();
  await expect(first).toHaveURL(/\/t\/[a-z0-9]{26}\?created=1$/);
  const number = (await first.locator('.kind-badge .number').textContent())!.trim();
  await form.close();
  const staff = await signInStaff(browser, 'dispatch@demo.dg.gov.cn');
  await staff.goto(`/staff/items/${number}`);
  await act(staff, 'accept', { 办理计划: '现场勘查可行，拟公示' });
  await act(staff, 'start_notice', { 公示天数: '7' });
  await staff.context().close();

  // Another resident, on a phone, types the same need in their own words and picks the village.
  await page.goto('/project/new');
  await waitForHydration(page);
  await page.getByLabel('事项名称').fill('公交站加几张座椅');
  await page.getByLabel('详细说明').fill('村口公交站没有座椅，老人等车站着很辛苦');
  await page.locator('#town').selectOption('changan');
  await page.locator('#community').selectOption({ label: '霄边社区' });
  const suggestion = page.locator(`.similar-projects li[data-number="${number}"]`);
  await expect(suggestion).toBeVisible();
  await expect(page.locator('.similar-projects')).toContainText('本村（社区）已有相似的提议');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(390);
  await expectAccessible(page);

  // Supporting the existing one instead.
  await suggestion.getByRole('link', { name: title }).click();
  await expect(page).toHaveURL(new RegExp(`/projects/${number}#voice$`));
  const voice = page.locator('section#voice');
  const email = `li.${Date.now()}@example.org`;
  await voice.getByLabel('邮箱').fill(email);
  await voice.getByRole('button', { name: '发送验证码' }).click();
  await page.locator('section#voice').getByLabel('6 位验证码').fill(await codeMailedTo(email));
  await page.locator('section#voice').getByRole('button', { name: '确认验证码' }).click();
  await page.locator('section#voice').getByRole('button', { name: '支持这个项目' }).click();
  await expect(page.getByText('已记录您的意见，谢谢参与。')).toBeVisible();
  await expect(page.locator('.voice-counts').first()).toHaveText('1 人支持 · 0 人反对');
});
