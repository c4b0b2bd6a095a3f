/**
 * Starts what the browser tests share: the vite dev server and one headless Chromium with
 * WebGPU (src/cli/session.ts), and asks it once whether there is an adapter.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, preview } from 'vite';
import type { TestProject } from 'vitest/node';
import { freePort, openPage, PROJECT_ROOT, startSession } from '../../src/cli/session';
import type { Harness } from './harness';
import { buildCli } from '../../build/build-cli.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    wsEndpoint: string;
    baseUrl: string;
    /** Whether the browser has a WebGPU adapter, and its name or why not. */
    webgpu: { ok: boolean; description: string; subgroupMinSize: number | null };
    /** The page as `npm run build` makes it, served by `vite preview`. */
    pageUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const session = await startSession();
  const page = await openPage(session.browser, `${session.baseUrl}test/browser/harness.html`, 'harness');
  const webgpu = await page.evaluate(() => (window as unknown as { harness: Harness }).harness.adapter());
  await page.close();
  // CI must have an adapter (SwiftShader); elsewhere the GPU tests skip, saying why.
  if (!webgpu.ok && process.env.CI) {
    await session.close();
    throw new Error(`No WebGPU adapter in headless Chromium under CI: ${webgpu.description}`);
  }
  console.log(`browser tests: ${await session.browser.version()}, WebGPU: ${webgpu.description}`);
  project.provide('wsEndpoint', session.browser.wsEndpoint());
  project.provide('baseUrl', session.baseUrl);
  project.provide('webgpu', webgpu);

  // The command-line tests run the built command (bin/webgpu-sgd.js): the package as npm run build:lib makes it.
  await buildCli();

  // The page tests drive the built site, as a user gets it from any static server.
  const outDir = mkdtempSync(join(tmpdir(), 'webgpu-sgd-dist-'));
  const configFile = join(PROJECT_ROOT, 'vite.config.ts');
  await build({ root: PROJECT_ROOT, configFile, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  const server = await preview({ root: PROJECT_ROOT, configFile, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: await freePort(), strictPort: true } });
  project.provide('pageUrl', server.resolvedUrls?.local[0] ?? '');
  return async () => {
    await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
    rmSync(outDir, { recursive: true, force: true });
    await session.close();
  };
}
