import { test, expect } from '@playwright/test';
import { act, expectAccessible, PASSWORD, waitForHydration } from './helpers';

test('a resident submits, town staff accept and answer, the resident rates, the item closes', async ({ page, browser }) => {
  // The resident, on a phone.
  await page.goto('/wish/new');
  await waitForHydration(page);
  await page.getByLabel('独居老人').check();
  await page.getByLabel('本人', { exact: true }).check();
  await page.getByLabel('需要什么帮助？').fill('家里的老式电饭锅坏了，想要一个新的');
  await page.getByLabel('估计价值（元）').fill('300');
  await page.locator('#town').selectOption('guancheng');
  await expect(page.locator('#community option', { hasText: '北隅社区' })).toHaveCount(1);
  await page.locator('#community').selectOption({ label: '北隅社区' });
  await page.getByLabel('联系人姓名').fill('陈阿婆');
  await page.getByLabel('手机号码').fill('13922223333');
  await page.getByLabel(/我同意/).check();
  await page.getByRole('button', { name: '提交' }).click();
  await page.waitForURL(/\/t\/[a-z0-9]{26}\?created=1$/);
  const number = (await page.locator('.kind-badge .number').textContent())!.trim();
  const tracking = new URL(page.url()).pathname;

  // Town staff, at a desktop.
  const office = await browser.newContext({ viewport: { width: 1280, height: 900 }, isMobile: false, hasTouch: false });
  const staff = await office.newPage();
  await staff.goto('/staff');
  await expect(staff).toHaveURL(/\/staff\/sign-in\?next=\/staff$/);
  await staff.getByLabel('工作邮箱').fill('guancheng@demo.dg.gov.cn');
  await staff.getByLabel('密码').fill('not the password');
  await staff.getByRole('button', { name: '工作人员登录' }).click();
  await expect(staff.locator('#password-error')).toHaveText('邮箱或密码不正确。');
  await expect(staff.getByLabel('工作邮箱')).toHaveValue('guancheng@demo.dg.gov.cn');
  await staff.getByLabel('密码').fill(PASSWORD);
  await staff.getByRole('button', { name: '工作人员登录' }).click();
  await expect(staff).toHaveURL(/\/staff$/);
  await expect(staff.locator('.staff-bar')).toContainText('镇街工作人员 · 莞城街道');
  await expect(staff.locator('a[data-tab="new"]')).toHaveAttribute('aria-current', 'page');
  await expectAccessible(staff);

  await staff.getByLabel('搜索编号或内容').fill(number);
  await staff.getByRole('button', { name: '筛选' }).click();
  await expect(staff.locator('table.inbox tbody tr')).toHaveCount(1);
  await staff.getByRole('link', { name: number }).click();
  await expect(staff.locator('.contact-phone')).toHaveText('13922223333');
  await expect(staff.getByText('直接交村（社区）办理')).toBeVisible();
  await expectAccessible(staff);

  // A decline without a reason is explained next to the field; nothing changes.
  await staff.locator('details[data-action="decline"] summary').click();
  await staff.locator('details[data-action="decline"]').getByRole('button').click();
  await expect(staff.locator('#decline-reason-error')).toHaveText('请填写此项。');
  await expect(staff.locator('.status-text')).toContainText('已分派到镇街，等待受理');

  await act(staff, 'accept', { 办理计划: '社区网格员上门核实' });
  // Publishing shows the reviewed text on a preview of the wall's card.
  await staff.locator('details[data-action="publish"] summary').click();
  await expect(staff.locator('.preview .wish-card')).toBeVisible();
  await staff.locator('details[data-action="publish"] summary').click();
  await act(staff, 'publish');
  await act(staff, 'fulfil', { 实现情况: '爱心企业捐赠电饭锅一台，已送到' });
  await act(staff, 'feedback', { 给群众的反馈: '您的心愿已实现，电饭锅已送到家中' });
  await expect(staff.locator('.status-text')).toContainText('已反馈结果，请您评价');
  await staff.locator('details summary', { hasText: '操作日志' }).click();
  await expect(staff.locator('.audit li')).toHaveCount(4);
  await staff.screenshot({ path: 'test-results/staff-item.png', fullPage: true });

  // The resident rates; the item closes.
  await page.goto(tracking);
  await expect(page.locator('.status-text')).toHaveText('已反馈结果，请您评价');
  await expect(page.getByText('您的心愿已实现，电饭锅已送到家中')).toBeVisible();
  await page.getByLabel('满意', { exact: true }).check();
  await page.getByRole('button', { name: '提交评价' }).click();
  await expect(page.locator('.status-text')).toHaveText('已办结');

  await staff.reload();
  await expect(staff.locator('.status-text')).toContainText('已办结');
  await staff.goto('/staff?tab=done');
  await expect(staff.getByRole('link', { name: number })).toBeVisible();
  await staff.getByRole('button', { name: '退出登录' }).click();
  await expect(staff.getByText('您已安全退出。')).toBeVisible();
  await office.close();
});
