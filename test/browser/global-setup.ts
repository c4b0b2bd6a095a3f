/**
 * Starts what the browser tests share: a vite dev server on 127.0.0.1 (WebGPU needs a secure
 * context, which localhost is) and one headless Chromium with WebGPU on.
 */
import { createServer as createNetServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import type { TestProject } from 'vitest/node';
import type { Browser } from 'puppeteer-core';
import { launchChrome } from '../../src/cli/chrome';
import type { Harness } from './harness';

declare module 'vitest' {
  export interface ProvidedContext {
    wsEndpoint: string;
    baseUrl: string;
    /** Whether the browser has a WebGPU adapter, and its name or why not. */
    webgpu: { ok: boolean; description: string };
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Asks the page for an adapter: its name, or why there is none. */
async function probeWebGpu(browser: Browser, baseUrl: string): Promise<{ ok: boolean; description: string }> {
  const page = await browser.newPage();
  try {
    await page.goto(`${baseUrl}test/browser/harness.html`);
    await page.waitForFunction(() => 'harness' in window, { timeout: 60_000 });
    return await page.evaluate(() => (window as unknown as { harness: Harness }).harness.adapter());
  } finally {
    await page.close();
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const server = await createServer({
    root,
    configFile: false,
    logLevel: 'warn',
    server: { host: '127.0.0.1', port: await freePort(), strictPort: true, hmr: false },
  });
  await server.listen();
  const baseUrl = `http://127.0.0.1:${server.config.server.port}/`;
  const browser = await launchChrome();
  const webgpu = await probeWebGpu(browser, baseUrl);
  // CI must have an adapter (SwiftShader); elsewhere the GPU tests skip, saying why.
  if (!webgpu.ok && process.env.CI) {
    await browser.close();
    await server.close();
    throw new Error(`No WebGPU adapter in headless Chromium under CI: ${webgpu.description}`);
  }
  console.log(`browser tests: ${await browser.version()}, WebGPU: ${webgpu.description}`);
  project.provide('wsEndpoint', browser.wsEndpoint());
  project.provide('baseUrl', baseUrl);
  project.provide('webgpu', webgpu);
  return async () => {
    await browser.close();
    await server.close();
  };
}
