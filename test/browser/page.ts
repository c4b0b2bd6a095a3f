/** Opens the test harness page in the shared headless Chromium and collects its errors. */
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { openPage } from '../../src/cli/session';
import type { Harness } from './harness';

/** The harness page, with the errors it logged. */
export interface HarnessPage {
  page: Page;
  browser: Browser;
  errors: string[];
  /** Calls a harness function in the page with JSON arguments. */
  call<N extends keyof Harness>(name: N, ...args: Parameters<Harness[N]>): Promise<Awaited<ReturnType<Harness[N]>>>;
  close(): Promise<void>;
}

/** Opens test/browser/harness.html and waits until window.harness is there. */
export async function openHarness(): Promise<HarnessPage> {
  const browser = await puppeteer.connect({ browserWSEndpoint: inject('wsEndpoint'), protocolTimeout: 600_000 });
  const errors: string[] = [];
  const page = await openPage(browser, `${inject('baseUrl')}test/browser/harness.html`, 'harness', errors);
  return {
    page,
    browser,
    errors,
    call: (name, ...args) =>
      page.evaluate((n, a) => (window as unknown as { harness: Record<string, (...x: unknown[]) => unknown> }).harness[n](...a), name as string, args as unknown[]) as never,
    close: async () => {
      await page.close();
      await browser.disconnect();
    },
  };
}

/**
 * Opens the harness before the tests of the enclosing describe and closes it after, failing if
 * the page logged any error; returns a getter for it.
 */
export function useHarness(): () => HarnessPage {
  let h: HarnessPage;
  beforeAll(async () => {
    h = await openHarness();
  });
  afterAll(async () => {
    expect(h.errors).toEqual([]);
    await h.close();
  });
  return () => h;
}
