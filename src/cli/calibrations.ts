/**
 * The kernel calibrations (src/gpu/calibrate.ts) kept between command-line runs, in
 * OUT/calibration.json: a run in Chrome gets them in its page's localStorage before it starts
 * and gives back what it learned; a run in Node reads and writes the file directly.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeWhole, WriteError } from './output';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import type { CalibrationStore } from '../train';

const FILE = 'calibration.json';
/** The localStorage keys of the kernel calibrations. */
const PREFIX = 'webgpu-sgd kernel';

/** The calibrations kept under `dir` (none if the file is missing or damaged). */
export function readCalibrations(dir: string): Record<string, string> {
  const path = join(dir, FILE);
  if (!existsSync(path)) return {};
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    if (!parsed || typeof parsed !== 'object') return {};
    return Object.fromEntries(
      Object.entries(parsed)
        .filter(([k]) => k.startsWith(PREFIX))
        .map(([k, v]) => [k, JSON.stringify(v)]),
    );
  } catch {
    return {};
  }
}

/** Writes the calibrations to `dir`, as readable JSON. */
export function writeCalibrations(dir: string, entries: Record<string, string>): void {
  if (Object.keys(entries).length === 0) return;
  const readable = Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, JSON.parse(v) as unknown]));
  try {
    writeWhole(dir, [[FILE, JSON.stringify(readable, null, 2)]]);
  } catch (e) {
    // A calibration is a cache: a run whose files are written does not fail for want of it.
    if (!(e instanceof WriteError)) throw e;
    process.stderr.write(`warning: the kernel choice is not kept for later runs: ${e.message}\n`);
  }
}

/** A store backed by `dir`/calibration.json, for runs in Node. */
export function fileStore(dir: string): CalibrationStore {
  const entries = readCalibrations(dir);
  return {
    get: (k) => entries[k] ?? null,
    set: (k, v) => {
      entries[k] = v;
      writeCalibrations(dir, entries);
    },
  };
}

/** Puts the calibrations kept under `dir` into the page's localStorage (the runner page under --runtime chrome). */
export async function calibrationsIntoPage(page: Page, dir: string): Promise<void> {
  await page.evaluate((entries) => Object.entries(entries).forEach(([k, v]) => localStorage.setItem(k, v)), readCalibrations(dir));
}

/** Keeps what the page's localStorage has learned under `dir` (nothing if the page is gone). */
export async function calibrationsFromPage(page: Page, dir: string): Promise<void> {
  const after = await page
    .evaluate(
      (prefix) =>
        Object.fromEntries(
          Object.keys(localStorage)
            .filter((k) => k.startsWith(prefix))
            .map((k) => [k, localStorage.getItem(k)!]),
        ),
      PREFIX,
    )
    .catch(() => ({}) as Record<string, string>);
  writeCalibrations(dir, after);
}
