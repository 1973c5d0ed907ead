// The web view in a real headless browser: Debian's chromium driven by playwright-core. `npm test` installs
// chromium first where it can (scripts/ensure-chromium.mjs); without it this test is skipped, and says why.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from './helpers.js';
import { start } from './helpers.js';
import { FAILURE, SCRIPT_TITLE, WEB_SEED, seedRunWithAttachment } from './web-seed.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const skipReason = `${CHROMIUM} is missing: the web view's browser test is skipped (npm test installs chromium as root with apt-get, through scripts/ensure-chromium.mjs)`;
const title = hasChromium ? 'shows projects, a run with its counts, a failed case with its attachment, and markup as text' : `SKIPPED: ${skipReason}`;
if (!hasChromium) console.warn(skipReason);
// WEB_VIEW_SCREENSHOTS=<dir> keeps the screenshots there to look at; by default they go to a removed temp dir.
const keepDir = process.env.WEB_VIEW_SCREENSHOTS;

let api: Api | undefined;
let browser: Browser | undefined;
let shots = '';

beforeAll(async () => {
  if (!hasChromium) return;
  shots = keepDir ?? mkdtempSync(join(tmpdir(), 'tms-emu-web-'));
  api = await start({ seed: WEB_SEED });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});
afterAll(async () => {
  await browser?.close();
  await api?.emu.close();
  if (shots !== '' && keepDir === undefined) rmSync(shots, { recursive: true, force: true });
});

const text = (s: string | null): string => (s ?? '').replace(/\s+/g, ' ').trim();

describe('web view in a browser', () => {
  it.skipIf(!hasChromium)(title, async () => {
    if (!api || !browser) throw new Error('setup did not run');
    const { pid, run } = await seedRunWithAttachment(api);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));

    await page.goto(`${api.emu.origin}/`);
    await page.getByRole('link', { name: 'Shop <Web>' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/ui/projects/${pid}`);
    const runRow = page.locator('tr', { hasText: 'SHOP-R-2' });
    expect(text(await runRow.innerText())).toContain('ACTIVE Passed 1 Failed 1 Untested 1');

    await page.getByRole('link', { name: 'Nightly <main> #7' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/ui/projects/${pid}/test-runs/${run.id}`);
    expect(await page.title()).toBe('SHOP-R-2 Nightly <main> #7 · testsigma-tm emulator');
    expect(text(await page.locator('h1').innerText())).toBe('Nightly <main> #7');
    expect(text(await page.locator('main > p').nth(1).innerText())).toBe('Passed 1 Failed 1 Untested 1');

    const failed = page.locator('tbody tr', { hasText: 'SHOP-2' });
    const cells = await failed.locator('td').allInnerTexts();
    expect(cells.slice(0, 3).map(text)).toEqual(['SHOP-2', SCRIPT_TITLE, 'Failed']);
    expect(cells[3]).toBe(FAILURE);
    expect(text(cells[4] ?? '')).toBe('failure <1>.png (7 B, image/png)');
    const statuses = await page.locator('tbody tr td:nth-child(3)').allInnerTexts();
    expect(statuses.map(text)).toEqual(['Passed', 'Failed', 'Untested']);

    // The title with <script> is text on the page, never an element, and nothing ran.
    await expect.poll(() => page.getByText(SCRIPT_TITLE, { exact: true }).count()).toBe(1);
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { pwned?: unknown }).pwned)).toBeUndefined();
    expect(errors).toEqual([]);

    const shot = join(shots, 'run.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(5_000);
  });
});
