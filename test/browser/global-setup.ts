/**
 * Starts what the browser tests share: a vite dev server on 127.0.0.1 (WebGPU needs a secure
 * context, which localhost is) and one headless Chromium with WebGPU on.
 */
import { createServer as createNetServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createServer } from 'vite';
import type { TestProject } from 'vitest/node';
import { launchChrome } from '../../src/cli/chrome';

declare module 'vitest' {
  export interface ProvidedContext {
    wsEndpoint: string;
    baseUrl: string;
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
  project.provide('wsEndpoint', browser.wsEndpoint());
  project.provide('baseUrl', baseUrl);
  return async () => {
    await browser.close();
    await server.close();
  };
}
