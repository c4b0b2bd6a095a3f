/**
 * The package as a user gets it (issue 12): `npm pack`, installed in a fresh folder outside the
 * repository, then imported from an ES module in Node (CPU, and the GPU through Dawn), run as
 * `npx webgpu-sgd`, and bundled by vite into a page that trains on the GPU in headless Chromium.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import puppeteer, { type Browser } from 'puppeteer-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/cli/session';
import { dawnEnvironment } from '../../src/cli/dawn';
import { serveStatic } from '../../src/cli/static-server';
import { train } from '../../src/train';
import pkg from '../../package.json' with { type: 'json' };

const webgpu = inject('webgpu');
let dir = '';
let tarball = '';
let browser: Browser;

/** Runs a command in the user's folder; throws with its output if it fails. */
function sh(command: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  return execFileSync(command, args, { cwd: dir, env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'webgpu-sgd-user-'));
  // npm pack runs prepack (npm run build:lib): the ES modules, the types and the runner page.
  const packed = execFileSync('npm', ['pack', '--pack-destination', dir, '--silent'], { cwd: PROJECT_ROOT, encoding: 'utf8', timeout: 300_000 }).trim().split('\n').at(-1)!;
  tarball = join(dir, packed);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'a-user', private: true, type: 'module' }));
  // Dawn for Node is the package's optional peer: a user who wants the GPU in Node installs it.
  sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(dir, packed), `webgpu@${pkg.devDependencies.webgpu}`]);
  browser = await puppeteer.connect({ browserWSEndpoint: inject('wsEndpoint'), protocolTimeout: 600_000 });
}, 600_000);

afterAll(async () => {
  await browser?.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

describe('the package, installed from its tarball', () => {
  it.each(['NodeNext', 'bundler'] as const)(
    'has declarations a TypeScript user compiles under moduleResolution %s with skipLibCheck off: a deliberate type error is caught, nothing else',
    (resolution) => {
      const consumer = join(dir, `types-${resolution}`);
      mkdirSync(consumer);
      writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: `types-${resolution}`, private: true, type: 'module' }));
      writeFileSync(
        join(consumer, 'main.ts'),
        "import { train, ConfigError, type ExperimentConfig } from 'webgpu-sgd';\nimport { main } from 'webgpu-sgd/cli';\n" +
          "const config: Partial<ExperimentConfig> = { hiddenUnits: 4 };\nconst r = await train(config, { engine: 'cpu' });\n" +
          'const wrong: string = r.history.loss;\nconsole.log(wrong, ConfigError, main);\n',
      );
      const options = {
        module: resolution === 'NodeNext' ? 'NodeNext' : 'ESNext',
        moduleResolution: resolution,
        target: 'ES2022',
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        lib: ['ES2022', 'DOM'],
        types: [],
      };
      writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify({ compilerOptions: options, files: ['main.ts'] }));
      // The WebGPU types (@webgpu/types, a dependency of the package) need the DOM's lib, as every
      // WebGPU program's do. The user's folder has the package one level up: symlink it in.
      symlinkSync(join(dir, 'node_modules'), join(consumer, 'node_modules'), 'dir');
      let output = '';
      try {
        execFileSync(join(PROJECT_ROOT, 'node_modules/.bin/tsc'), ['-p', '.'], { cwd: consumer, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (e) {
        output = String((e as { stdout?: string }).stdout ?? '');
      }
      const errors = output.split('\n').filter((line) => /error TS\d+/.test(line));
      expect(errors, output).toEqual([expect.stringMatching(/^main\.ts\(5,7\): error TS2322: Type 'number\[\]' is not assignable to type 'string'\.$/)]);
    },
  );

  it('is clean by publint and by Are the Types Wrong (ES modules only), and under 1.5 MB packed', () => {
    const tool = (name: string, args: string[]) => spawnSync(join(PROJECT_ROOT, 'node_modules/.bin', name), args, { encoding: 'utf8', timeout: 120_000 });
    const publint = tool('publint', ['run', tarball, '--strict']);
    expect(publint.status, publint.stdout + publint.stderr).toBe(0);
    expect(publint.stdout).toMatch(/All good!/);
    // esm-only: the package has no CommonJS entry, so node10 and require() are not asked of it.
    const attw = tool('attw', [tarball, '--profile', 'esm-only', '--format', 'json']);
    expect(attw.status, attw.stdout + attw.stderr).toBe(0);
    const problems = (JSON.parse(attw.stdout).analysis.problems as { kind: string; entrypoint: string; resolutionKind: string }[]).filter(
      (p) => p.resolutionKind !== 'node10' && p.resolutionKind !== 'node16-cjs',
    );
    expect(problems).toEqual([]);
    expect(statSync(tarball).size).toBeLessThan(1.5e6);
  });

  it('names puppeteer-core, its optional peer, when a browser runtime is asked for without it', () => {
    const run = spawnSync('npx', ['webgpu-sgd', 'train', '--runtime', 'chrome', '--engine', 'cpu', '--M', '800'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    expect(run.stderr).toMatch(/puppeteer-core, which is not installed: npm i puppeteer-core/);
    expect(run.status).toBe(3);
  });

  it('ships ES modules, type declarations, the runner page and the command, and none of the sources', () => {
    const files = readdirSync(join(dir, 'node_modules/webgpu-sgd'), { recursive: true }).map(String);
    for (const f of ['dist-lib/index.js', 'dist-lib/cli.js', 'dist-lib/types/index.d.ts', 'dist-lib/runner/runner.html', 'bin/webgpu-sgd.js']) expect(files).toContain(f);
    expect(files.filter((f) => f.startsWith('src/') || f.endsWith('.wgsl'))).toEqual([]);
    // Nor source maps (TensorFlow.js's was 11 MB) nor images (the README's are the repository's).
    expect(files.filter((f) => f.endsWith('.map') || f.endsWith('.png'))).toEqual([]);
  });

  it("trains the lecture's run on the CPU from an ES module in Node: the history equals the repository's engine (cpu-wasm's within 1e-12)", async () => {
    writeFileSync(join(dir, 'cpu.mjs'), "import { train } from 'webgpu-sgd';\nconst r = await train({}, { engine: 'cpu' });\nconsole.log(JSON.stringify(r.history));\n");
    const history = JSON.parse(sh('node', ['cpu.mjs']));
    const here = await train({}, { engine: 'cpu' });
    expect(history.loss).toHaveLength(50);
    expect(history).toEqual({ loss: here.history.loss, valLoss: here.history.valLoss });
    // cpu-wasm: its WebAssembly module is inside the package's JavaScript.
    writeFileSync(join(dir, 'wasm.mjs'), "import { train } from 'webgpu-sgd';\nconsole.log(JSON.stringify((await train({}, { engine: 'cpu-wasm' })).history.loss));\n");
    const wasm = JSON.parse(sh('node', ['wasm.mjs'])) as number[];
    wasm.forEach((l, i) => expect(Math.abs(l - here.history.loss[i]) / l).toBeLessThan(1e-12));
  });

  it.skipIf(!webgpu.ok)('trains on the GPU in Node through Dawn (the webgpu package, found by the package): within 1e-3 of the float32 twin', async () => {
    writeFileSync(
      join(dir, 'gpu.mjs'),
      "import { train } from 'webgpu-sgd';\nconst r = await train({ steps: 8000 }, { engine: 'gpu' });\nconsole.log(JSON.stringify({ loss: r.history.loss, device: r.device }));\n",
    );
    // Dawn needs the Vulkan loader and, without a GPU, SwiftShader (the README's API section says so).
    const out = JSON.parse(sh('node', ['gpu.mjs'], dawnEnvironment() ?? {}));
    const twin = await train({ steps: 8000 }, { engine: 'cpu-f32' });
    expect(out.loss).toHaveLength(10);
    out.loss.forEach((l: number, i: number) => expect(Math.abs(l - twin.history.loss[i]) / twin.history.loss[i]).toBeLessThan(1e-3));
    console.log(`package in Node through Dawn: ${out.device}`);
  });

  it('runs `npx webgpu-sgd train --engine cpu`: the files, and PNGs that decode', () => {
    const out = join(dir, 'out');
    const printed = sh('npx', ['webgpu-sgd', 'train', '--engine', 'cpu', '--M', '2400', '--out', out]);
    expect(printed).toMatch(/^Done: 3\/3 epochs/m);
    expect(JSON.parse(readFileSync(join(out, 'history.json'), 'utf8')).history.loss).toHaveLength(3);
    for (const name of ['alpha.png', 'loss.png']) {
      const png = PNG.sync.read(readFileSync(join(out, name)));
      expect([png.width, png.height]).toEqual([1200, 800]);
    }
  });

  it.skipIf(!webgpu.ok)('is bundled by vite into a page that trains on the GPU in headless Chromium', async () => {
    const site = join(dir, 'site');
    writeFileSync(join(dir, 'index.html'), '<!doctype html><html><body><script type="module" src="./main.js"></script></body></html>\n');
    writeFileSync(
      join(dir, 'main.js'),
      "import { train } from 'webgpu-sgd';\nconst r = await train({ steps: 8000 }, { engine: 'gpu' });\nwindow.result = { loss: r.history.loss, device: r.device };\n",
    );
    await build({ root: dir, configFile: false, logLevel: 'warn', base: './', build: { outDir: site, target: 'es2022' } });
    const server = await serveStatic(site);
    const page = await browser.newPage();
    try {
      await page.goto(`${server.url}index.html`);
      await page.waitForFunction(() => 'result' in window, { timeout: 120_000 });
      const result = await page.evaluate(() => (window as unknown as { result: { loss: number[]; device: string } }).result);
      const twin = await train({ steps: 8000 }, { engine: 'cpu-f32' });
      expect(result.loss).toHaveLength(10);
      result.loss.forEach((l, i) => expect(Math.abs(l - twin.history.loss[i]) / twin.history.loss[i]).toBeLessThan(1e-3));
    } finally {
      await page.close();
      await server.close();
    }
  });
});
