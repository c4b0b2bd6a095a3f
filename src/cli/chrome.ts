/**
 * Finding and starting headless Chromium with WebGPU on, for the browser tests and the CLI.
 * Node-only: it touches the file system and spawns processes.
 */
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'puppeteer-core';
import { ChromeNotFoundError, EngineUnavailableError } from '../errors';

/** Where Chrome or Chromium usually lives, in the order we look. */
export const CHROME_CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/opt/google/chrome/chrome',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

/** The browser binary to use: CHROME_PATH if set, else the first usual path that exists. */
export function findChrome(env: NodeJS.ProcessEnv = process.env, exists = existsSync): string {
  const fromEnv = env.CHROME_PATH?.trim();
  if (fromEnv) {
    if (!exists(fromEnv)) throw new ChromeNotFoundError(`CHROME_PATH is set to ${fromEnv}, but no file is there.`);
    return fromEnv;
  }
  const found = CHROME_CANDIDATES.find((p) => exists(p));
  if (!found) throw new ChromeNotFoundError(`No Chrome or Chromium found (looked in ${CHROME_CANDIDATES.join(', ')}).`);
  return found;
}

/**
 * Flags that give headless Chromium WebGPU on a machine without a GPU (SwiftShader) and keep it
 * quiet on a closed network; docs/design.md section 3 says why each is there.
 */
export const CHROME_FLAGS = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-dev-shm-usage',
  // Chromium 156 builds the address bar's WebUI popup even headless: a renderer that took half a
  // core for seconds after start, inside the benchmark's first timed runs (measured on 2 cores).
  '--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup',
];

/**
 * Starts headless Chrome with WebGPU enabled (puppeteer makes and removes a fresh profile).
 * `webgpu: false`, or WEBGPU_SGD_NO_WEBGPU=1 in the environment, starts it without WebGPU, as a
 * browser without it would be: the CPU engine still works there.
 *
 * It is driven through a pipe (`--remote-debugging-pipe`), not a WebSocket, unless `shared` (the
 * tests' one browser, which other processes connect to): when this process ends in any way, SIGKILL
 * included, the pipe closes and Chrome, its crashpad handlers with it, quits within a second.
 */
export async function launchChrome(options: { executablePath?: string; webgpu?: boolean; shared?: boolean } = {}): Promise<Browser> {
  const executablePath = options.executablePath ?? findChrome();
  const webgpu = options.webgpu ?? process.env.WEBGPU_SGD_NO_WEBGPU !== '1';
  const args = CHROME_FLAGS.filter((flag) => webgpu || flag !== '--enable-unsafe-webgpu');
  // Chrome refuses to start as root with its sandbox on.
  if (process.getuid?.() === 0) args.push('--no-sandbox');
  // Ctrl-C is the caller's to handle (the CLI stops training cleanly); the browser still goes
  // when the process exits.
  const puppeteer = await loadPuppeteer();
  return puppeteer.launch({
    executablePath,
    headless: true,
    args,
    pipe: !options.shared,
    protocolTimeout: 600_000,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
}

/**
 * puppeteer-core, the package's optional peer: only `--runtime chrome` (and the benchmark's browser
 * rows) drive a browser, so a user who never asks for one need not install it.
 */
export async function loadPuppeteer(importer = () => import('puppeteer-core')): Promise<typeof import('puppeteer-core').default> {
  try {
    return (await importer()).default;
  } catch (e) {
    const missing = (e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && String((e as Error).message).includes("'puppeteer-core'");
    if (!missing) throw e;
    throw new EngineUnavailableError(
      'the chrome runtime drives a browser through puppeteer-core, which is not installed: npm i puppeteer-core (and Chrome or Chromium), or use --runtime node (the GPU through Dawn: npm i webgpu).',
    );
  }
}

/** Opens `url` and waits until `window[global]` is set; the page's errors go to `errors`. */
export async function openPage(browser: Browser, url: string, global: string, errors: string[] = []): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(url);
  await page.waitForFunction((g) => g in window, { timeout: 60_000 }, global);
  return page;
}
