import { expect, Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'node:fs';

/** No serious or critical accessibility violations on the current page. */
export async function expectAccessible(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`)).toEqual([]);
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
