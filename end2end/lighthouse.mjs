// Lighthouse (mobile preset: a mid-range phone on slow 4G, simulated) on the resident pages in both
// modes, in Debian's Chromium: fails when a page's accessibility score is below 100 (issue 18) or its
// performance score below PERF_FLOOR (default 0: reported only). Usage:
//   BASE_URL=… SEED_LOG=… [PERF_FLOOR=95] node lighthouse.mjs
// Prints one line per page and mode: both scores, LCP, the bytes transferred, the audits that lost points.
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';
import { readFileSync } from 'node:fs';

const base = process.env.BASE_URL ?? 'http://127.0.0.1:3000';
const tracking = (() => {
  const log = readFileSync(process.env.SEED_LOG ?? '', 'utf8');
  const line = log.split('\n').find((l) => /^\s+P-\d{4}-\d{6}\s+in_progress\s/.test(l)) ?? '';
  return new URL(line.trim().split(/\s+/)[2]).pathname;
})();
const pages = ['/', '/wish/new', '/project/new', '/track', tracking, '/wishes', '/projects', '/me'];
const perfFloor = Number(process.env.PERF_FLOOR ?? 0);
const modes = [{ name: 'standard', headers: {} }, { name: '长者模式', headers: { Cookie: 'elder=1' } }];

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
  chromeFlags: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
let failed = 0;
try {
  for (const mode of modes) {
    for (const path of pages) {
      const result = await lighthouse(base + path, {
        port: chrome.port,
        onlyCategories: ['accessibility', 'performance'],
        extraHeaders: mode.headers,
        formFactor: 'mobile',
        logLevel: 'error',
        output: 'json',
      });
      const lhr = result.lhr;
      const score = Math.round((lhr.categories.accessibility.score ?? 0) * 100);
      const perf = Math.round((lhr.categories.performance.score ?? 0) * 100);
      const lcp = (lhr.audits['largest-contentful-paint'].numericValue / 1000).toFixed(1);
      const bytes = Math.round(lhr.audits['total-byte-weight'].numericValue);
      const lost = Object.values(lhr.audits)
        .filter((a) => a.scoreDisplayMode === 'binary' && a.score !== null && a.score < 1)
        .map((a) => a.id);
      const shown = path.replace(/\/[a-z0-9]{26}$/, '/…');
      console.log(`${mode.name.padEnd(8)} ${shown.padEnd(14)} accessibility ${score}  performance ${perf}  LCP ${lcp} s  ${bytes} B${lost.length ? '  lost: ' + lost.join(', ') : ''}`);
      if (score < 100 || perf < perfFloor) failed++;
    }
  }
} finally {
  await chrome.kill();
}
if (failed) {
  console.error(`lighthouse: ${failed} page(s) below 100 for accessibility or ${perfFloor} for performance`);
  process.exit(1);
}
