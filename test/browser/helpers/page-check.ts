import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { AxeViolation, axeViolations } from './chromium';

/** Where the browser specs leave their screenshots (git ignores it). */
export const ARTIFACTS = join(__dirname, '..', '..', '..', 'test-artifacts');

/** The widths every console page is checked at: a phone and a desktop. */
export const WIDTHS = [1280, 375] as const;

const DESKTOP = { width: 1280, height: 900 };

/** How wide the page is against its window: a page wider than the window scrolls sideways. */
export async function sideways(page: Page): Promise<{ scroll: number; viewport: number }> {
  return page.evaluate(() => {
    const scope = globalThis as unknown as { document: { documentElement: { scrollWidth: number } }; innerWidth: number };
    return { scroll: scope.document.documentElement.scrollWidth, viewport: scope.innerWidth };
  });
}

/** axe's findings as one line each: impact, rule and where. */
export function describeViolations(violations: AxeViolation[]): string[] {
  return violations.map((violation) => `${violation.impact} ${violation.id} at ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

/**
 * A check for the page as it stands, at 1280 and at 375 px: axe-core finds nothing (of any
 * impact) and nothing scrolls sideways; each finding is added to `problems` under the page's
 * name (so one run lists every page's), and a full-page screenshot is saved as
 * test-artifacts/console-<name>-<width>.png. The window is left at 1280 px.
 */
export function pageChecker(page: Page, problems: string[]): (name: string) => Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return async (name: string) => {
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: width === 375 ? 812 : 900 });
      for (const line of describeViolations(await axeViolations(page))) problems.push(`${name} at ${width}: ${line}`);
      const { scroll, viewport } = await sideways(page);
      if (scroll > viewport) problems.push(`${name} at ${width}: scrolls sideways (${scroll} > ${viewport})`);
      await page.screenshot({ path: join(ARTIFACTS, `console-${name}-${width}.png`), fullPage: true });
    }
    await page.setViewportSize(DESKTOP);
  };
}

/** Signs in through the /login form (no API call in the browser) and waits to land on `next`. */
export async function signInThroughForm(page: Page, baseUrl: string, account: { email: string; password: string }, next: string): Promise<void> {
  await page.goto(`${baseUrl}/login?next=${encodeURIComponent(next)}`);
  await page.getByLabel('Email address').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${baseUrl}${next}`);
}
