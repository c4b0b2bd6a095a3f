#!/usr/bin/env node
/**
 * Time to result (`npm run bench:ttr`): what a user waits for, from pressing Enter to the command's
 * exit, beside the part of it that trains, on the machine it runs on. Each row is run `--repeats`
 * times (default 3; the median is printed) as a user runs it, in a child process: `npm run train`
 * from a state like a fresh clone's after `npm ci` (no build, no asc cache, no kept kernel choice),
 * then again; the built command into a new folder; a 160-model sweep, first and again. Every row's
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
  const phases = row.file ? Object.entries(runs[Math.floor((runs.length - 1) / 2)].timings.phases ?? {}).filter(([, ms]) => ms >= 5) : [];
  console.log(
    `${result.what}: wall ${s(result.wallMs)}, training ${s(result.trainMs)}, set-up ${s(result.setupMs)}${phases.length ? ` (${phases.map(([p, ms]) => `${p} ${s(ms)}`).join(', ')})` : ''}, longest silence ${s(result.silenceMs)}${runs.some((r) => r.rebuilt) ? ', rebuilt the command' : ''} (median of ${runs.length})`,
  );
}
const dir = join(ROOT, 'out', 'bench');
mkdirSync(dir, { recursive: true });
const file = join(dir, 'time-to-result.json');
writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, repeats, rows: results }, null, 2)}\n`);
console.log(`Wrote ${file}`);
