/**
 * Starts what the browser tests share: the vite dev server and one headless Chromium with
 * WebGPU (src/cli/session.ts), and asks it once whether there is an adapter.
 */
import type { TestProject } from 'vitest/node';
import { openPage, startSession } from '../../src/cli/session';
import type { Harness } from './harness';

declare module 'vitest' {
  export interface ProvidedContext {
    wsEndpoint: string;
    baseUrl: string;
    /** Whether the browser has a WebGPU adapter, and its name or why not. */
    webgpu: { ok: boolean; description: string };
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
  return session.close;
}
