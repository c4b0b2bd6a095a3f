/**
 * Where the command line's engines run (`--runtime`): in its own Node process (`node`: the CPU
 * engines as they are, the GPU engines through Dawn, the plots on @napi-rs/canvas) or in headless
 * Chrome (`chrome`: the built runner page, served from dist-lib/runner). Both offer the same
 * runner (runner-core.ts), so the command prints and writes the same either way.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'puppeteer-core';
import { createRunner, type EpochLine, type Runner, type SweepLine } from './runner-core';
import { calibrationsFromPage, calibrationsIntoPage } from './calibrations';
import { EngineUnavailableError } from '../errors';

import type { RuntimeName } from './runtime-choice';
import type { ProgressEvent } from '../experiment/phases';

/** What a runtime sends back as the run goes. */
export interface RuntimeHooks {
  epoch(line: EpochLine): void;
  sweepEpoch(line: SweepLine): void;
  /** A run's phase as it starts, and the parts of a counted one. */
  progress?(event: ProgressEvent): void;
}

/** A runner that lives somewhere: every call is async, and close() lets it go. */
export type Runtime = { [K in keyof Runner]: (...args: Parameters<Runner[K]>) => Promise<Awaited<ReturnType<Runner[K]>>> } & {
  name: RuntimeName;
  /** Where it runs, for the first line (e.g. "Node v20.19.5" or "HeadlessChrome/141"). */
  where: string;
  close(): Promise<void>;
};

/** The engines in this process; calibrations in the user's cache file (src/gpu/calibration-file.ts). */
export async function nodeRuntime(hooks: RuntimeHooks): Promise<Runtime> {
  let png: Promise<import('../plots/charts').PngMaker> | null = null;
  const runner = createRunner({
    epoch: hooks.epoch,
    sweepEpoch: hooks.sweepEpoch,
    progress: hooks.progress,
    png: () => (png ??= import('../plots/node-canvas').then((m) => m.nodeCanvas())),
  });
  const async = Object.fromEntries(Object.entries(runner).map(([k, f]) => [k, async (...a: unknown[]) => (f as (...a: unknown[]) => unknown)(...a)])) as Omit<
    Runtime,
    'name' | 'where' | 'close'
  >;
  return { ...async, name: 'node', where: `Node ${process.version}`, close: async () => undefined };
}

/** The built runner page: next to the built command (dist-lib/runner), or in the repository's dist-lib. */
function runnerDir(): string {
  // Paths built at run time, so the bundler leaves them alone (it would inline a literal one).
  const here = fileURLToPath(import.meta.url);
  for (const up of [1, 3]) {
    const dir = `${join(here, ...Array<string>(up).fill('..'), ...(up === 1 ? ['runner'] : ['dist-lib', 'runner']))}/`;
    if (existsSync(`${dir}runner.html`)) return dir.replace(/[/\\]$/, '');
  }
  throw new EngineUnavailableError('the runner page for --runtime chrome is not built: run `npm run build:lib` in the repository');
}

/** The engines in headless Chrome, through page.evaluate; calibrations through the page's localStorage. */
export async function chromeRuntime(hooks: RuntimeHooks): Promise<Runtime> {
  const dir = runnerDir();
  const [{ launchChrome, openPage }, { serveStatic }] = await Promise.all([import('./chrome'), import('./static-server')]);
  const server = await serveStatic(dir);
  let browser: Browser | null = null;
  try {
    browser = await launchChrome();
    const errors: string[] = [];
    const page: Page = await openPage(browser, `${server.url}runner.html`, 'runner', errors);
    await page.exposeFunction('runnerEpoch', hooks.epoch);
    await page.exposeFunction('runnerSweepEpoch', hooks.sweepEpoch);
    await page.exposeFunction('runnerProgress', (event: ProgressEvent) => hooks.progress?.(event));
    await calibrationsIntoPage(page);
    const call =
      (name: keyof Runner) =>
      (...args: unknown[]) =>
        page.evaluate((n, a) => ((window as unknown as { runner: Record<string, (...x: unknown[]) => unknown> }).runner[n] as (...x: unknown[]) => unknown)(...a), name, args);
    const names = ['adapter', 'train', 'trainSweep', 'calibrateShape', 'tfjs', 'heatmap', 'abort', 'benchChart', 'plots', 'floor', 'recalibrate'] as const;
    const calls = Object.fromEntries(names.map((n) => [n, call(n)])) as unknown as Omit<Runtime, 'name' | 'where' | 'close'>;
    const where = await browser.version();
    const opened = browser;
    return {
      ...calls,
      abort: () => call('abort')().catch(() => undefined) as Promise<void>,
      name: 'chrome',
      where,
      close: async () => {
        await calibrationsFromPage(page);
        await opened.close().catch(() => undefined);
        await server.close();
      },
    };
  } catch (e) {
    await browser?.close().catch(() => undefined);
    await server.close();
    throw e;
  }
}
