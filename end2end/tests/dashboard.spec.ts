import { test, expect } from '@playwright/test';
import { expectAccessible } from './helpers';

const PASSWORD = process.env.DEMO_STAFF_PASSWORD ?? 'demo-portal-2026';

// Leadership reads the dashboard on a tablet.
test.use({ viewport: { width: 1024, height: 1366 }, isMobile: false, hasTouch: true });

test('a leader reads the measures, sorts the league table and opens the items behind a number', async ({ page }) => {
  await page.goto('/dashboard');
  // Not signed in: sent to sign in, then straight back to the dashboard.
  await expect(page).toHaveURL(/\/staff\/sign-in\?next=\/dashboard/);
  await page.getByLabel('工作邮箱').fill('leader@demo.dg.gov.cn');
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '工作人员登录' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole('heading', { name: '办理成效看板' })).toBeVisible();

  // Headline figures against their targets, charts with text alternatives, a row per town.
  const tiles = page.locator('.dash-tiles:not(.work-tiles) .tile');
  await expect(tiles).toHaveCount(10);
  // The six work-order measures below them (issue 17), each a rate of a count.
  const work = page.locator('.work-tiles .tile');
  await expect(work).toHaveCount(6);
  await expect(work.nth(0)).toContainText('按时签收率');
  await expect(work.nth(0).locator('.value')).toHaveText(/^\d+\.\d%$/);
  await expect(work.nth(5)).toContainText('解决率');
  await expect(tiles.nth(1)).toContainText('反馈率');
  await expect(tiles.nth(1)).toContainText('目标 100%');
  await expect(tiles.nth(1).locator('.value')).toHaveText(/^\d+\.\d%$/);
  await expect(page.getByRole('img', { name: '月度趋势' })).toBeVisible();
  await expect(page.getByRole('img', { name: '每月诉求数' })).toBeVisible();
  const league = page.locator('table.league');
  await expect(league.locator('tbody tr')).toHaveCount(34);
  await expectAccessible(page);

  // The last 12 months (the demo data covers the last year), then sorting by satisfaction, lowest
  // first: the column says so and the values ascend.
  // A full year back to today (it used to start on the 1st of a month, in December the same link as 今年).
  await page.getByRole('link', { name: '近 12 个月' }).click();
  await expect(page).toHaveURL(/from=\d{4}-\d{2}-\d{2}&to=/);
  const from = new URL(page.url()).searchParams.get('from');
  expect(from).not.toBe(`${new Date().getFullYear()}-01-01`);
  await expect(page.getByRole('link', { name: '近 12 个月' })).toHaveAttribute('aria-current', 'true');
  await expect(page.getByRole('link', { name: '今年' })).not.toHaveAttribute('aria-current', 'true');
  await league.getByRole('link', { name: '满意度' }).click();
  await expect(page).toHaveURL(/sort=satisfaction&dir=asc/);
  await expect(page.locator('th[aria-sort="ascending"]')).toContainText('满意度');
  const values = (await page.locator('table.league tbody tr td:nth-child(6)').allInnerTexts())
    .map((v) => v.replace(/[^\d.]/g, ''))
    .filter((v) => v !== '')
    .map(Number);
  expect(values.length).toBeGreaterThan(10);
  expect([...values].sort((a, b) => a - b)).toEqual(values);

  // Humen's item count opens Humen's items, each linking to its staff page.
  const humen = page.locator('table.league tbody tr', { has: page.getByRole('rowheader', { name: '虎门镇' }) });
  const count = Number((await humen.locator('td').first().innerText()).replace(/\D/g, ''));
  expect(count).toBeGreaterThan(0);
  await humen.locator('td').first().getByRole('link').click();
  await expect(page).toHaveURL(/\/dashboard\/items\?.*set=items.*town=humen/);
  await expect(page.getByRole('heading', { name: '统计期内的全部诉求' })).toBeVisible();
  const rows = page.locator('table.inbox tbody tr');
  await expect(rows).toHaveCount(Math.min(count, 50));
  for (const town of await rows.locator('td:nth-child(4)').allInnerTexts()) expect(town).toBe('虎门镇');
  await expectAccessible(page);

  // On a phone the page fits the screen; wide tables scroll inside their own box.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/dashboard');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBe(390);
});

test('anyone reads the public figures, town by town, and the same numbers as JSON', async ({ page, request }) => {
  await page.goto('/figures');
  await expect(page.getByRole('heading', { name: '公开数据' })).toBeVisible();
  await expect(page.locator('table.league tbody tr')).toHaveCount(34);
  await expectAccessible(page);
  const api = await request.get(await page.locator('a[href^="/api/v1/kpi"]').getAttribute('href') ?? '');
  expect(api.ok()).toBeTruthy();
  const body = await api.json();
  expect(body.towns).toHaveLength(34);
  const shown = await page.locator('.tiles .tile').first().locator('.value').innerText();
  const { feedback_given: given, feedback_due: due } = body.overall;
  expect(shown).toBe(due === 0 ? '—' : `${(Math.round((given / due) * 1000) / 10).toFixed(1)}%`);
});
