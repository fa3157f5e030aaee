import { expect, Browser, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The WCAG 2.2 A and AA rules of axe (issue 18). */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * What axe finds on the current page: every violation of a WCAG 2.2 A/AA rule, whatever its impact,
 * and every serious or critical one of its other rules (best practices); with `elder`, also text below
 * 7:1 contrast (WCAG 1.4.6, which 长者模式 promises).
 */
export async function axeProblems(page: Page, elder = false): Promise<string[]> {
  const out: string[] = [];
  const report = (vs: { id: string; help: string; nodes: { target: unknown[] }[] }[]) =>
    vs.forEach((v) => out.push(`${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`));
  report((await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze()).violations);
  const all = await new AxeBuilder({ page }).analyze();
  report(all.violations.filter((v) => (v.impact === 'serious' || v.impact === 'critical') && !v.tags.some((t) => WCAG_TAGS.includes(t))));
  if (elder) report((await new AxeBuilder({ page }).withRules(['color-contrast-enhanced']).analyze()).violations);
  return out;
}

/** No WCAG 2.2 AA violation (and no serious best-practice one) on the current page. */
export async function expectAccessible(page: Page) {
  expect(await axeProblems(page)).toEqual([]);
}

/**
 * The same check for a page rendered with JavaScript off, where axe cannot run inside the page: the
 * rendered markup (scripts removed, so it stays the no-JavaScript view) is served at the same origin
 * in a JavaScript-enabled page, with the same styles, and checked there.
 */
export async function expectAccessibleWithoutJs(browser: Browser, page: Page) {
  const html = (await page.content()).replace(/<script[\s\S]*?<\/script>/g, '');
  const url = new URL('/__axe-snapshot', page.url()).toString();
  const context = await browser.newContext({ javaScriptEnabled: true, viewport: page.viewportSize() ?? undefined });
  const copy = await context.newPage();
  await copy.route(url, (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: html }));
  await copy.goto(url);
  await expectAccessible(copy);
  await context.close();
}

/** The islands have hydrated: the no-JavaScript "show villages" button hides itself. */
export async function waitForHydration(page: Page) {
  await expect(page.locator('button[name="refresh"]')).toBeHidden({ timeout: 15_000 });
}

/** Tracking links printed by `server seed-demo`, by status. */
export function seededLinks(): Record<string, string> {
  const log = readFileSync(process.env.SEED_LOG ?? '', 'utf8');
  const out: Record<string, string> = {};
  for (const line of log.split('\n')) {
    const m = line.match(/^\s+([WP]-\d{4}-\d{6})\s+(\S+)\s+(\S+\/t\/\S+)$/);
    if (m) out[m[2]] = new URL(m[3]).pathname;
  }
  return out;
}

/** The six-digit code in the newest mail to `to` that the worker wrote under MAIL_DIR (no SMTP_URL in e2e). */
export async function codeMailedTo(to: string): Promise<string> {
  const dir = process.env.MAIL_DIR ?? '';
  for (let i = 0; i < 100; i++) {
    // The folder appears with the worker's first mail.
    const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')).sort().reverse() : [];
    for (const f of files) {
      const raw = readFileSync(join(dir, f), 'utf8');
      if (!raw.includes(`To: ${to}`)) continue;
      const subject = (raw.match(/^Subject: (.*(?:\r?\n[ \t].*)*)/m) ?? ['', ''])[1];
      const decoded = subject.replace(/=\?utf-8\?b\?([^?]*)\?=/gi, (_, b64) => Buffer.from(b64, 'base64').toString('utf8'));
      const code = decoded.match(/\d{6}/);
      if (code && decoded.includes('验证码')) return code[0];
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no code mailed to ${to} under ${dir}`);
}

/** The demo staff accounts' password (`scripts/demo-staff.sh`). */
export const PASSWORD = process.env.DEMO_STAFF_PASSWORD ?? 'demo-portal-2026';

/** A staff member signed in on a desktop-sized page of a context of its own. */
export async function signInStaff(browser: Browser, email: string): Promise<Page> {
  const office = await browser.newContext({ viewport: { width: 1280, height: 900 }, isMobile: false, hasTouch: false });
  const page = await office.newPage();
  await page.goto('/staff/sign-in');
  await page.getByLabel('工作邮箱').fill(email);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '工作人员登录' }).click();
  await expect(page).toHaveURL(/\/staff$/);
  return page;
}

/** Opens one action's form on the staff item page, fills it, sends it and waits for the confirmation. */
export async function act(page: Page, action: string, fields: Record<string, string> = {}) {
  const form = page.locator(`details[data-action="${action}"]`);
  await form.locator('summary').click();
  for (const [label, value] of Object.entries(fields)) {
    await form.getByLabel(label).fill(value);
  }
  // The form's own submit button is its last one (publishing also has "preview").
  await form.getByRole('button').last().click();
  await expect(page.getByText('已办理，记录已保存。')).toBeVisible();
}

/** The six-digit code in the newest text to `phone` that the worker wrote under MAIL_DIR (no SMS_URL in e2e). */
export async function codeTextedTo(phone: string): Promise<string> {
  const dir = process.env.MAIL_DIR ?? '';
  for (let i = 0; i < 100; i++) {
    const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.sms.txt')).sort().reverse() : [];
    for (const f of files) {
      const raw = readFileSync(join(dir, f), 'utf8');
      if (!raw.startsWith(`To: ${phone}\n`)) continue;
      const code = raw.match(/验证码(\d{6})/);
      if (code) return code[1];
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no code texted to ${phone} under ${dir}`);
}
