#!/usr/bin/env node
/**
 * Time to result (`npm run bench:ttr`): what a user waits for, from pressing Enter to the command's
 * exit, beside the part of it that trains, on the machine it runs on. Each row is run `--repeats`
 * times (default 3; the median is printed) as a user runs it, in a child process: `npm run train`
 * from a state like a fresh clone's after `npm ci` (no build, no asc cache, no kept kernel choice),
 * then again; the built command into a new folder; a 160-model sweep, first and again; the page's
 * default sweep in headless Chromium once the page has loaded. Every command row's
 * training time, set-up and set-up by phase come from the JSON the command wrote (history.json,
 * sweep.json); the longest silence is the longest wait between two lines of its output.
 *
 * It rebuilds dist-lib/ (it removes it for the first-run rows) and uses a cache folder of its own
 * (WEBGPU_SGD_CACHE_DIR), so the user's kept choices are left alone. Writes
 * out/bench/time-to-result.json.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const repeats = Number(process.argv[process.argv.indexOf('--repeats') + 1]) || 3;
const SWEEP = ['--sweep', 'lr=0.001:0.1:log8,K=2:32:x2', '--seeds', '4'];

/** Runs `command args` in the repository; resolves to its wall time, exit code and longest silence (ms). */
function timed(command, args, env) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let last = started;
    let silence = 0;
    let output = '';
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const line = (d) => {
      const now = performance.now();
      silence = Math.max(silence, now - last);
      last = now;
      output += d.toString();
    };
    child.stdout.on('data', line);
    child.stderr.on('data', line);
    child.on('error', reject);
    child.on('close', (code) => {
      const end = performance.now();
      resolve({ wallMs: end - started, code, silenceMs: Math.max(silence, end - last), output });
    });
  });
}

const fresh = (prefix) => mkdtempSync(join(tmpdir(), prefix));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/** The rows: what the user does, how to ready the machine first, the command, and the JSON with its timings. */
function rows() {
  const cache = fresh('ttr-cache-');
  const env = { WEBGPU_SGD_CACHE_DIR: cache };
  const clean = () => {
    rmSync(join(ROOT, 'dist-lib'), { recursive: true, force: true });
    rmSync(join(ROOT, 'node_modules', '.cache', 'webgpu-sgd-asc'), { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  };
  const out = () => fresh('ttr-out-');
  return [
    { what: '`npm run train`, first time after `npm ci`', before: clean, run: (o) => ['npm', ['run', '-s', 'train', '--', '--out', o]], file: 'history.json', env },
    { what: '`npm run train` again, nothing changed', run: (o) => ['npm', ['run', '-s', 'train', '--', '--out', o]], file: 'history.json', env },
    { what: '`npm run train -- --help`', run: () => ['npm', ['run', '-s', 'train', '--', '--help']], file: null, env },
    { what: '`webgpu-sgd train` into a new `--out`', run: (o) => [process.execPath, ['bin/webgpu-sgd.js', 'train', '--out', o]], file: 'history.json', env },
    {
      what: '`train --sweep lr=0.001:0.1:log8,K=2:32:x2 --seeds 4` (160 models), first time',
      before: () => rmSync(cache, { recursive: true, force: true }),
      run: (o) => [process.execPath, ['bin/webgpu-sgd.js', 'train', ...SWEEP, '--out', o]],
      file: 'sweep.json',
      env,
    },
    { what: 'the same sweep again', run: (o) => [process.execPath, ['bin/webgpu-sgd.js', 'train', ...SWEEP, '--out', o]], file: 'sweep.json', env },
  ].map((row) => ({ ...row, out }));
}

/**
 * The page's default sweep (80 models on the GPU), Train pressed once the page has loaded and warmed
 * the sweep up while the student reads: from the click to the first epoch in the status and to the
 * end, beside the sweep's own set-up and training. The built site (vite build), served by vite's
 * preview server, in headless Chromium started as the tests start it (src/cli/chrome.ts).
 */
async function pageSweep() {
  const { build, createServer, preview } = await import('vite');
  const configFile = join(ROOT, 'vite.config.ts');
  const outDir = fresh('ttr-site-');
  await build({ root: ROOT, configFile, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  const site = await preview({ root: ROOT, configFile, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 4317 } });
  const loader = await createServer({ root: ROOT, configFile: false, logLevel: 'error', server: { middlewareMode: true, hmr: false }, appType: 'custom' });
  const { launchChrome } = await loader.ssrLoadModule('/src/cli/chrome.ts');
  const browser = await launchChrome();
  const runs = [];
  try {
    for (let i = 0; i < repeats; i++) {
      const page = await browser.newPage();
      const loaded = performance.now();
      await page.goto(`${site.resolvedUrls.local[0]}?lang=en`);
      await page.waitForFunction(() => window.webgpuSgdPage?.sweep.warmUps > 0, { timeout: 120_000 });
      const readyMs = performance.now() - loaded;
      const r = await page.evaluate(async () => {
        const status = document.getElementById('sweep-status');
        let firstEpoch = null;
        let silence = 0;
        let last = performance.now();
        new MutationObserver(() => {
          const now = performance.now();
          silence = Math.max(silence, now - last);
          last = now;
          if (firstEpoch === null && /^Epoch 1 \//.test(status.textContent)) firstEpoch = now;
        }).observe(status, { childList: true, characterData: true, subtree: true });
        const pressed = performance.now();
        last = pressed;
        document.getElementById('sweep-train').click();
        while (window.webgpuSgdPage.sweep.running || !window.webgpuSgdPage.sweep.result?.epochs) await new Promise((done) => setTimeout(done, 5));
        const end = performance.now();
        return { wallMs: end - pressed, firstEpochMs: firstEpoch - pressed, silenceMs: silence, timings: window.webgpuSgdPage.sweep.result.timings };
      });
      runs.push({ ...r, readyMs });
      await page.close();
    }
  } finally {
    await browser.close();
    await loader.close();
    await new Promise((done) => site.httpServer.close(done));
    rmSync(outDir, { recursive: true, force: true });
  }
  return runs;
}

const results = [];
for (const row of rows()) {
  const runs = [];
  for (let i = 0; i < repeats; i++) {
    row.before?.();
    const dir = row.out();
    const [command, args] = row.run(dir);
    const r = await timed(command, args, row.env);
    if (r.code !== 0) throw new Error(`${row.what}: exit ${r.code}\n${r.output}`);
    const timings = row.file ? JSON.parse(readFileSync(join(dir, row.file), 'utf8')).timings : null;
    rmSync(dir, { recursive: true, force: true });
    runs.push({ wallMs: r.wallMs, silenceMs: r.silenceMs, timings, rebuilt: /Building the command/.test(r.output) });
  }
  const pick = (f) => median(runs.map(f));
  const result = {
    what: row.what,
    runs,
    wallMs: pick((r) => r.wallMs),
    silenceMs: pick((r) => r.silenceMs),
    trainMs: row.file ? pick((r) => r.timings.trainMs) : null,
    setupMs: row.file ? pick((r) => r.timings.setupMs) : null,
  };
  results.push(result);
  const s = (ms) => (ms === null ? '-' : `${(ms / 1000).toFixed(2)} s`);
  // The phases of the run whose set-up was the median.
  const middle = row.file ? runs.find((r) => r.timings.setupMs === result.setupMs) : null;
  const phases = middle ? Object.entries(middle.timings.phases ?? {}).filter(([, ms]) => ms >= 5) : [];
  console.log(
    `${result.what}: wall ${s(result.wallMs)}, training ${s(result.trainMs)}, set-up ${s(result.setupMs)}${phases.length ? ` (${phases.map(([p, ms]) => `${p} ${s(ms)}`).join(', ')})` : ''}, longest silence ${s(result.silenceMs)}${runs.some((r) => r.rebuilt) ? ', rebuilt the command' : ''} (median of ${runs.length})`,
  );
}
{
  const runs = await pageSweep();
  const pick = (f) => median(runs.map(f));
  const result = {
    what: "the page's default sweep (80 models, GPU), Train once the page has loaded and warmed it up",
    runs,
    wallMs: pick((r) => r.wallMs),
    firstEpochMs: pick((r) => r.firstEpochMs),
    silenceMs: pick((r) => r.silenceMs),
    trainMs: pick((r) => r.timings.trainMs),
    setupMs: pick((r) => r.timings.setupMs),
    readyMs: pick((r) => r.readyMs),
  };
  results.push(result);
  const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
  console.log(
    `${result.what}: wall ${s(result.wallMs)} (first epoch ${s(result.firstEpochMs)}), training ${s(result.trainMs)}, set-up ${s(result.setupMs)}, longest silence ${s(result.silenceMs)}; the page loaded and warmed up in ${s(result.readyMs)} (median of ${runs.length})`,
  );
}
const dir = join(ROOT, 'out', 'bench');
mkdirSync(dir, { recursive: true });
const file = join(dir, 'time-to-result.json');
writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, repeats, rows: results }, null, 2)}\n`);
console.log(`Wrote ${file}`);
