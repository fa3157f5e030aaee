import { test, expect } from '@playwright/test';
import { act, expectAccessible, signInStaff as signIn, waitForHydration } from './helpers';

// Issue 17: the work-order steps towns are judged by, end to end in the browser — an item signed for,
// extended, supervised, answered, called back, rated 非常不满意, rectified, and the rectification rated.
test('an item is signed for, extended, supervised, answered, called back, rated badly, rectified and rated again', async ({ page, browser }) => {
  // The resident, on a phone.
  await page.goto('/wish/new');
  await waitForHydration(page);
  await page.getByLabel('独居老人').check();
  await page.getByLabel('本人', { exact: true }).check();
  await page.getByLabel('需要什么帮助？').fill('老人想要一台助行器，方便下楼买菜');
  await page.getByLabel('估计价值（元）').fill('400');
  await page.locator('#town').selectOption('guancheng');
  await expect(page.locator('#community option', { hasText: '北隅社区' })).toHaveCount(1);
  await page.locator('#community').selectOption({ label: '北隅社区' });
  await page.getByLabel('联系人姓名').fill('林阿伯');
  await page.getByLabel('手机号码').fill('13922224444');
  await page.getByLabel(/我同意/).check();
  await page.getByRole('button', { name: '提交' }).click();
  await page.waitForURL(/\/t\/[a-z0-9]{26}\?created=1$/);
  const number = (await page.locator('.kind-badge .number').textContent())!.trim();
  const tracking = new URL(page.url()).pathname;

  // The town signs for it from its 待签收 tab, then accepts it.
  const town = await signIn(browser, 'guancheng@demo.dg.gov.cn');
  await town.goto('/staff?tab=to_sign');
  await expect(town.locator('a[data-tab="to_sign"]')).toHaveAttribute('aria-current', 'page');
  await town.getByRole('link', { name: number }).click();
  await expect(town.locator('.order-sign')).toContainText('待签收，签收期限');
  // The step that moves the item on comes first among the actions, marked 下一步; each form says who sees it.
  const first = town.locator('section[aria-labelledby="act-h"] details.action').first();
  await expect(first).toHaveAttribute('data-action', 'sign_for');
  await expect(first.locator('summary')).toContainText('下一步');
  await expect(first.locator('.audience')).toContainText('群众可见');
  await expect(town.locator('details[data-action="return"] .audience')).toContainText('仅工作人员可见');
  await expectAccessible(town);
  await act(town, 'sign_for');
  await expect(town.locator('.order-sign')).toContainText('已签收');
  await act(town, 'accept', { 办理计划: '社区网格员上门核实' });

  // The town asks for more time: a date past the cap is refused at the field, a date within it is sent.
  const ext = town.locator('details[data-action="request_extension"]');
  await ext.locator('summary').click();
  const until = ext.locator('input[name="until"]');
  const earliest = (await until.getAttribute('min'))!;
  const latest = (await until.getAttribute('max'))!;
  const tooLate = new Date(Date.parse(latest) + 2 * 86_400_000).toISOString().slice(0, 10);
  await until.fill(tooLate);
  await ext.getByLabel('延期理由').fill('助行器需要到货');
  await ext.getByRole('button').last().click();
  await expect(town.locator('#request_extension-until-error')).toHaveText('请选择在当前期限之后、且不超过可延期限的日期。');
  await expect(town.locator('details[data-action="request_extension"] textarea')).toHaveValue('助行器需要到货');
  await town.locator('input[name="until"]').fill(earliest);
  await town.locator('details[data-action="request_extension"]').getByRole('button').last().click();
  await expect(town.getByText('已办理，记录已保存。')).toBeVisible();
  await expect(town.locator('.order-extension')).toContainText('延期申请待市级审核');

  // The city approves it and supervises the item.
  const city = await signIn(browser, 'dispatch@demo.dg.gov.cn');
  await city.goto('/staff?tab=decide');
  await city.getByRole('link', { name: number }).click();
  await act(city, 'approve_extension');
  await act(city, 'supervise', { 督办要求: '请本周内送到' });
  await expect(city.locator('.order-supervision')).toContainText('督办待回复');

  // The resident sees the new deadline in words.
  await page.goto(tracking);
  await expect(page.getByText(/办理期限经市级批准延长至/)).toBeVisible();

  // The town answers the supervision notice, delivers and answers the resident, then calls back.
  await town.goto('/staff?tab=supervised');
  await town.getByRole('link', { name: number }).click();
  await act(town, 'answer_supervision', { 督办回复: '已联系供货商，周五送到' });
  await act(town, 'fulfil', { 实现情况: '助行器已送到家中' });
  await act(town, 'feedback', { 给群众的反馈: '您的助行器已送到，请查收' });
  const call = town.locator('details[data-action="callback"]');
  await call.locator('summary').click();
  await call.getByLabel('已联系上').check();
  await call.getByLabel('回访记录').fill('老人说还没试用，稍后在网上评价');
  await call.getByRole('button').last().click();
  await expect(town.getByText('已办理，记录已保存。')).toBeVisible();
  await expect(town.locator('.order-callback')).toContainText('已回访（联系上）');

  // The resident rates 非常不满意 online.
  await page.goto(tracking);
  await page.getByLabel('非常不满意', { exact: true }).check();
  await page.getByRole('button', { name: '提交评价' }).click();
  await expect(page.locator('.status-text')).toHaveText('已办结');

  // The 差评 opens a rectification in the town's 整改 tab; the town records what it put right.
  await town.goto('/staff?tab=rectify');
  await town.getByRole('link', { name: number }).click();
  await expect(town.locator('.order-rectify')).toContainText('差评待整改');
  await act(town, 'rectify', { 整改情况: '已换成带座椅的助行器并上门教老人使用' });

  // The resident reads it and rates the rectification.
  await page.goto(tracking);
  await expect(page.getByText('已换成带座椅的助行器并上门教老人使用')).toBeVisible();
  await expectAccessible(page);
  const fix = page.locator('section[aria-labelledby="fix-h"]');
  await fix.getByLabel('满意', { exact: true }).check();
  await fix.getByRole('button', { name: '提交整改评价' }).click();
  await expect(page.getByText('您对整改结果的评价：满意')).toBeVisible();
  await page.screenshot({ path: 'test-results/work-order-tracking.png', fullPage: true });

  await town.reload();
  await expect(town.locator('.order-fix')).toContainText('满意');
  await town.locator('details summary', { hasText: '操作日志' }).click();
  for (const step of ['sign_for', 'request_extension', 'answer_supervision', 'callback', 'rectify']) {
    await expect(town.locator('.audit li', { hasText: step }).first()).toBeVisible();
  }
  await town.screenshot({ path: 'test-results/work-order-staff.png', fullPage: true });
});
