/**
 * A headless session: a vite dev server on 127.0.0.1 (WebGPU needs a secure context, which
 * localhost is) and one headless Chromium with WebGPU. The CLI, the benchmark and the browser
 * tests all start it here.
 */
import { createServer as createNetServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'puppeteer-core';
import { createServer, type ViteDevServer } from 'vite';
import { launchChrome } from './chrome';
import { assemblyScript } from '../../build/assemblyscript';

/** The project's root folder (where index.html is). */
export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export { CROSS_ORIGIN_ISOLATION } from './isolation';
import { CROSS_ORIGIN_ISOLATION } from './isolation';

/** A running server and browser; close() stops both. */
export interface Session {
  server: ViteDevServer;
  browser: Browser;
  baseUrl: string;
  close(): Promise<void>;
}

/** A TCP port free on 127.0.0.1 now. */
export async function freePort(): Promise<number> {
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

/** Starts the dev server and Chromium. */
export async function startSession(options: { webgpu?: boolean } = {}): Promise<Session> {
  // Vite's dev server quits the process on SIGTERM (and when stdin ends); here the command decides
  // what a signal does (the CLI stops training and writes what completed), so its handlers go.
  const before = { sigterm: process.listeners('SIGTERM'), stdinEnd: process.stdin.listeners('end') };
  const server = await createServer({
    root: PROJECT_ROOT,
    configFile: false,
    plugins: [assemblyScript()],
    logLevel: 'error',
    server: { host: '127.0.0.1', port: await freePort(), strictPort: true, hmr: false, headers: CROSS_ORIGIN_ISOLATION },
  });
  await server.listen();
  for (const l of process.listeners('SIGTERM')) if (!before.sigterm.includes(l)) process.off('SIGTERM', l);
  for (const l of process.stdin.listeners('end')) if (!before.stdinEnd.includes(l)) process.stdin.off('end', l as () => void);
  let browser: Browser;
  try {
    browser = await launchChrome({ webgpu: options.webgpu, shared: true });
  } catch (e) {
    await server.close();
    throw e;
  }
  return {
    server,
    browser,
    baseUrl: `http://127.0.0.1:${server.config.server.port}/`,
    close: async () => {
      await browser.close().catch(() => undefined);
      await server.close();
    },
  };
}

export { openPage } from './chrome';
