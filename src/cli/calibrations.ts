/**
 * The kernel calibrations (src/gpu/calibrate.ts) of a run in headless Chrome: the user's cache
 * file (src/gpu/calibration-file.ts, the same that runs in Node use) goes into the runner page's
 * localStorage before it starts, and what the page learned comes back into the file.
 */
import type { Page } from 'puppeteer-core';
import { CALIBRATION_PREFIX, calibrationFile } from '../train';

/** Puts the kept calibrations into the page's localStorage. */
export async function calibrationsIntoPage(page: Page): Promise<void> {
  const file = await calibrationFile();
  await page.evaluate((entries) => Object.entries(entries).forEach(([k, v]) => localStorage.setItem(k, v)), file.all());
}

/** Keeps what the page's localStorage has learned in the cache file (nothing if the page is gone). */
export async function calibrationsFromPage(page: Page): Promise<void> {
  const learned = await page
    .evaluate(
      (prefix) =>
        Object.fromEntries(
          Object.keys(localStorage)
            .filter((k) => k.startsWith(prefix))
            .map((k) => [k, localStorage.getItem(k)!]),
        ),
      CALIBRATION_PREFIX,
    )
    .catch(() => ({}) as Record<string, string>);
  const file = await calibrationFile();
  const known = file.all();
  const fresh = Object.fromEntries(Object.entries(learned).filter(([k, v]) => known[k] !== v));
  if (Object.keys(fresh).length > 0) file.add(fresh);
}
