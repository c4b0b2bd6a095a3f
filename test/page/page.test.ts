/**
 * The page as `npm run build` makes it, driven in headless Chromium as a student uses it: train
 * with each engine, stop, bad inputs and hostile links, language, and what it draws.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { COMPILE_HINT } from '../../build/compile-hints';
import { launchChrome } from '../../src/cli/chrome';
import { openPage, PROJECT_ROOT } from '../../src/cli/session';
import { compareRuns } from '../../src/experiment/compare';
import type { History } from '../../src/experiment/run';
import { networkFormula, thetaJson } from '../../src/experiment/records';
import { LABELS } from '../../src/plots/i18n';
import { train } from '../../src/train';

const webgpu = inject('webgpu');
const pageUrl = inject('pageUrl');
/** Where the tests leave screenshots (kept by CI as artifacts; ignored by git). */
const ARTIFACTS = join(PROJECT_ROOT, 'test-results');

let browser: Browser;
let page: Page;
let errors: string[];

beforeAll(async () => {
  browser = await puppeteer.connect({ browserWSEndpoint: inject('wsEndpoint'), protocolTimeout: 600_000 });
  mkdirSync(ARTIFACTS, { recursive: true });
});
afterAll(async () => {
  await browser.disconnect();
});
afterEach(async () => {
  // No uncaught error, and nothing logged as an error, in any test.
  expect(errors).toEqual([]);
  await page?.close();
});

async function open(query = ''): Promise<Page> {
  errors = [];
  page = await openPage(browser, `${pageUrl}${query}`, 'webgpuSgdPage', errors);
  await page.setViewport({ width: 1400, height: 1800 });
  return page;
}

/** Types into a field as a user would (select all, type), which fires input events. */
async function setField(id: string, value: string): Promise<void> {
  await page.click(`#${id}`, { count: 3 });
  await page.keyboard.press('Backspace');
  if (value) await page.type(`#${id}`, value);
}

const text = (selector: string) => page.$eval(selector, (e) => e.textContent ?? '');
const isRunning = () => page.evaluate(() => window.webgpuSgdPage.running());
/** The run is over and every chart has drawn its last data (the chart worker answered). */
const waitIdle = () =>
  page.waitForFunction(() => !window.webgpuSgdPage.running() && window.webgpuSgdPage.lastRun() !== null && window.webgpuSgdPage.chartsSettled(), { timeout: 120_000 });
/** Every chart has drawn the last data the page showed it: their snapshots are current. */
const chartsDrawn = () => page.waitForFunction(() => window.webgpuSgdPage.chartsSettled(), { timeout: 60_000 });

async function trainWith(engine: string): Promise<{ history: History; shown: { loss: string; valLoss: string }; progress: [number, number]; lossPoints: number; epochs: number }> {
  await page.select('#engine', engine);
  await page.click('#train');
  await waitIdle();
  return page.evaluate(() => {
    const run = window.webgpuSgdPage.lastRun()!;
    const progress = document.getElementById('progress') as HTMLProgressElement;
    return {
      history: run.result!.history,
      shown: { loss: document.getElementById('final-loss')!.textContent!, valLoss: document.getElementById('final-val-loss')!.textContent! },
      progress: [progress.value, progress.max] as [number, number],
      lossPoints: window.webgpuSgdPage.charts.loss.snapshot!.datasets[0].points,
      epochs: run.exp.epochs,
    };
  });
}

/** Distinct colours in a sample of a canvas's pixels: a blank chart has one or two. */
const canvasColours = (id: string) =>
  page.evaluate(async (canvasId: string) => {
    // The canvas belongs to the chart worker: its picture comes back as a PNG.
    const image = await createImageBitmap(await window.webgpuSgdPage.chart(canvasId)!.png());
    const ctx = new OffscreenCanvas(image.width, image.height).getContext('2d')!;
    ctx.drawImage(image, 0, 0);
    const data = ctx.getImageData(0, 0, image.width, image.height).data;
    const seen = new Set<number>();
    for (let i = 0; i < data.length; i += 4 * 53) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    return seen.size;
  }, id);

describe.skipIf(!webgpu.ok)(`the page on ${webgpu.description}`, () => {
  it('trains the defaults with each engine: 50/50, 50 points on the loss chart, the numbers shown are the history, GPU and CPU agree', async () => {
    await open('?lang=en');
    const runs: Record<string, History> = {};
    for (const engine of ['gpu', 'gpu-perop', 'cpu', 'cpu-wasm']) {
      const r = await trainWith(engine);
      expect(r.epochs).toBe(50);
      expect(r.progress, engine).toEqual([50, 50]);
      expect(await text('#status')).toMatch(/Epoch 50 \/ 50\. Done\./);
      expect(r.lossPoints).toBe(50);
      expect(r.shown.loss).toBe(r.history.loss[49].toPrecision(6));
      expect(r.shown.valLoss).toBe((r.history.valLoss[49] as number).toPrecision(6));
      runs[engine] = r.history;
    }
    for (const engine of ['gpu', 'gpu-perop']) {
      const c = compareRuns({ history: runs[engine] }, { history: runs.cpu });
      console.log(`${engine} vs cpu on the page: max rel ${c.maxRel.toExponential(2)}`);
      expect(c.ok, c.detail).toBe(true);
    }
    // WebAssembly in the page: the same float64 experiment as cpu, to its last bits.
    const wasm = compareRuns({ history: runs['cpu-wasm'] }, { history: runs.cpu }, 1e-12);
    console.log(`cpu-wasm vs cpu on the page: max rel ${wasm.maxRel.toExponential(2)}`);
    expect(wasm.ok, wasm.detail).toBe(true);
    // What the GPU runs: the last run was on the CPU, so the GPU kernels ran 0 times; the sources are there.
    expect(await page.$$eval('#kernels details', (d) => d.map((e) => (e as HTMLElement).dataset.kernel))).toEqual([
      'common.wgsl',
      'forward.wgsl',
      'mse_grad.wgsl',
      'sgd_update.wgsl',
      'fused_common.wgsl',
      'theta_registers.wgsl',
      'serial_steps.wgsl',
      'sgd_invocation.wgsl',
      'sgd_subgroup.wgsl',
      'sgd_tiled.wgsl',
      'common.ts',
      'perop/twin.ts',
      'fused/twin.ts',
    ]);
    expect(await text('#kernels details[data-kernel="sgd_subgroup.wgsl"] pre')).toContain('subgroupAdd(part)');
    expect(await text('#kernels details[data-kernel="fused/twin.ts"] pre')).toContain('export function fusedSpan(');
    expect(await text('#kernels details[data-kernel="serial_steps.wgsl"] pre')).toContain('fn train_steps');
    expect(await text('#kernels details[data-kernel="sgd_invocation.wgsl"] pre')).toContain('@compute @workgroup_size(WG)');
  });

  it('compares with the CPU in one click, showing both times, the ratio and that they agree', async () => {
    await open('?lang=en&M=8000');
    await trainWith('gpu');
    // The variant the calibration chose is named in the results, and its file counts the dispatches.
    const { kernel, dispatches } = await page.evaluate(() => window.webgpuSgdPage.lastRun()!.result!);
    expect(dispatches).toBeLessThanOrEqual(10);
    expect(await text('#kernel')).toBe(kernel);
    const file = `sgd_${kernel!.split(/[ ,]/)[0]}.wgsl`;
    expect(await text(`#kernels details[data-kernel="${file}"] summary`)).toMatch(new RegExp(`dispatched ${dispatches} times? in the last run`));
    await page.click('#compare');
    await page.waitForFunction(() => window.webgpuSgdPage.lastComparison !== null, { timeout: 60_000 });
    // Held to the float32 twin (the same arithmetic), the float64 difference beside it, explained.
    expect(await text('#comparison')).toMatch(
      /GPU, fused .*: [\d.]+ m?s \([\d.]+ m?s–[\d.]+ m?s\); CPU .*: [\d.]+ m?s \([\d.]+ m?s–[\d.]+ m?s\)\. .* (took [\d.]+ times as long as|was [\d.]+ times as fast as) .*\. Each time is the median of 3 runs after a warm-up run \(the range in brackets\), training only\. Against the float32 CPU twin \(the same arithmetic as the GPU\): every epoch within 1e-3 relative \(largest difference \S+\)\. Against float64: largest relative difference \S+\. float32 keeps about 7 digits/,
    );
    type Timed = { median: number; min: number; max: number; times: number[] };
    const c = await page.evaluate(
      () => window.webgpuSgdPage.lastComparison as { ok: boolean; maxRel: number; float64: { maxRel: number }; times: { mine: Timed; theirs: Timed; ratio: number } },
    );
    expect(c.ok).toBe(true);
    expect(c.maxRel).toBeLessThan(1e-3);
    // Both engines the same way: three timed runs each (after a warm-up), the ratio of the medians.
    for (const t of [c.times.mine, c.times.theirs]) {
      expect(t.times).toHaveLength(3);
      expect([t.min, t.median, t.max]).toEqual([t.times[0], t.times[1], t.times[2]]);
    }
    expect(c.times.ratio).toBe(c.times.mine.median / c.times.theirs.median);
  });

  it('stops mid-run, keeping the partial history; the controls are locked while it runs', async () => {
    await open('?lang=en');
    await page.select('#engine', 'gpu-perop');
    await page.click('#train');
    await page.waitForFunction(() => (document.getElementById('progress') as HTMLProgressElement).value >= 2, { timeout: 60_000 });
    expect(await isRunning(), await text('#status')).toBe(true);
    // A control changed during the run: the form is disabled, so the run's config cannot drift.
    expect(await page.$eval('#N', (e) => e.matches(':disabled'))).toBe(true);
    expect(await page.$eval('#engine', (e) => (e as HTMLSelectElement).disabled)).toBe(true);
    await page.type('#N', '5');
    expect(await page.$eval('#N', (e) => (e as HTMLInputElement).value)).toBe('1000');
    await page.click('#stop');
    await waitIdle();
    const kept = await page.evaluate(() => window.webgpuSgdPage.lastRun()!.result!);
    expect(kept.status).toBe('aborted');
    expect(kept.epochs).toBeGreaterThanOrEqual(2);
    expect(kept.epochs).toBeLessThan(50);
    expect(await text('#status')).toMatch(new RegExp(`Epoch ${kept.epochs} / 50\\. Stopped`));
    expect(await page.evaluate(() => window.webgpuSgdPage.charts.loss.snapshot!.datasets[0].points)).toBe(kept.epochs);
    expect(await page.$eval('#N', (e) => e.matches(':disabled'))).toBe(false);
  });

  it.each([
    ['N', '', /^empty$/],
    ['N', '-5', /^must be an integer from 2 to 10000000, got -5$/],
    ['K', 'ten', /^"ten" is not a number$/],
    ['K', '0x10', /^"0x10" is not a number$/],
    ['N', '1e12', /must be an integer from 2 to 10000000/],
    ['dt', '0', /^must be a number > 0, got 0$/],
    ['batch', '5000', /must be an integer from 1 to 800, got 5000/],
    ['split', '1.5', /must be at least 0 and below 1, got 1\.5/],
    ['M', '10', /too small for one epoch: EPOCHS would be 0; use M ≥ 800/],
    ['M', '1000000000', /EPOCHS = 1250000 is more than the 1,000,000 epochs a run may have/],
  ])('shows a message for %s = %j and keeps the page usable', async (field, value, message) => {
    await open('?lang=en');
    await setField(field, value);
    expect(await text(`#${field}-error`)).toMatch(message);
    expect(await page.$eval('#train', (b) => (b as HTMLButtonElement).disabled)).toBe(true);
    expect(await text('#derived')).toMatch(/cannot be computed/);
    await setField(field, field === 'M' ? '1600' : String({ N: 1000, K: 10, dt: 0.008, batch: 1, split: 0.2 }[field]));
    expect(await text(`#${field}-error`)).toBe('');
    await setField('M', '1600');
    const r = await trainWith('cpu');
    expect(r.progress).toEqual([2, 2]);
  });

  it.each([
    ['sin(x', /cannot read the formula/],
    ['log(x)', /is not a finite number/],
    ['alert(1)', /unknown function "alert"/],
    // Formulas that parse but fail when evaluated (issue 24): a message, never a dead page.
    ['sin()', /sin\(\) takes 1 argument, not 0/],
    ['pow(x)', /pow\(\) takes 2 arguments, not 1/],
    ['round(x, 100)', /cannot be evaluated: Number of decimals/],
    ['1e200*x', /its square overflows float32/],
  ])('shows a message for the formula %j and keeps the page usable', async (formula, message) => {
    await open('?lang=en&M=1600');
    await page.select('#target', 'custom');
    await page.waitForFunction(() => document.getElementById('formula-error')!.textContent === '', { timeout: 30_000 });
    await setField('formula', formula);
    expect(await text('#formula-error')).toMatch(message);
    expect(await page.$eval('#train', (b) => (b as HTMLButtonElement).disabled)).toBe(true);
    await setField('formula', 'sin(2 x)');
    expect(await text('#formula-error')).toBe('');
    const r = await trainWith('gpu');
    expect(r.progress).toEqual([2, 2]);
  });

  it.each(['sin()', 'pow(x)', 'round(x, 100)', '1e200*x'])(
    'loads a link whose formula %s cannot be used: the lecture target, a notice saying why, and it trains',
    async (formula) => {
      await open(`?lang=en&M=1600&target=custom&formula=${encodeURIComponent(formula)}`);
      expect(await text('#notice')).toContain('formula: the formula cannot be used (');
      expect(await page.$eval('#target', (e) => (e as HTMLSelectElement).value)).toBe('lecture');
      const r = await trainWith('cpu');
      expect(r.progress).toEqual([2, 2]);
    },
  );

  it('names a software adapter as one under a GPU run, in both languages, with what a real GPU measured; nothing under a CPU run', async () => {
    await open('?lang=en&M=1600');
    await trainWith('gpu');
    const device = await text('#device');
    const note = () => page.$eval('#software-note', (e) => ({ hidden: (e as HTMLElement).hidden, text: e.textContent ?? '' }));
    if (!/swiftshader|llvmpipe|lavapipe|basic render/i.test(device)) {
      expect((await note()).hidden).toBe(true);
      return;
    }
    expect(device).toMatch(/\(a software adapter: the CPU pretending to be a GPU\)$/);
    const en = await note();
    expect(en.hidden).toBe(false);
    expect(en.text).toMatch(/is a software adapter: the CPU pretending to be a GPU .+NVIDIA H200, measured 2026-11-29/);
    await page.select('#lang', 'sv');
    expect((await note()).text).toMatch(/är ett mjukvarugrafikkort: processorn som låtsas vara ett grafikkort .+NVIDIA H200, mätt 2026-11-29/);
    await page.select('#lang', 'en');
    await trainWith('cpu');
    expect((await note()).hidden).toBe(true);
  });

  it('falls back to the defaults field by field on a hostile link, with a notice, and still trains', async () => {
    const hostile = '?N=%3Cscript%3Ealert(1)%3C%2Fscript%3E&K=99999999&dt=NaN&batch=-1&target=custom&formula=import(%7B%7D)&engine=evil&activation=softmax&lang=xx&M=1600';
    await open(hostile);
    const notice = await text('#notice');
    for (const field of [
      'N: "<script>alert(1)</script>" is not a number; using 1000',
      'dt: "NaN" is not a number; using 0.008',
      'K: must be an integer from 1 to 4096, got 99999999; using 10',
      'batch: must be an integer from 1 to 800, got -1; using 1',
      'formula: the formula cannot be used (unknown function "import"',
      'engine: "evil" is not known here; using gpu',
      'activation: "softmax" is not known here; using sigmoid',
      'lang: "xx" is not known here',
    ]) {
      expect(notice).toContain(field);
    }
    expect(await page.$eval('#N', (e) => (e as HTMLInputElement).value)).toBe('1000');
    expect(await page.$eval('#K', (e) => (e as HTMLInputElement).value)).toBe('10');
    expect(await page.$eval('#target', (e) => (e as HTMLSelectElement).value)).toBe('lecture');
    expect(await page.evaluate(() => document.querySelectorAll('script:not([src]):not([type])').length)).toBe(0);
    const r = await trainWith('gpu');
    expect(r.progress).toEqual([2, 2]);
  });

  it('trains tanh units from a link on the GPU and the CPU alike, and keeps the choice in the URL', async () => {
    await open('?lang=en&M=1600&dt=0.004&activation=tanh');
    expect(await page.$eval('#activation', (e) => (e as HTMLSelectElement).value)).toBe('tanh');
    const r = await trainWith('gpu');
    expect(r.progress).toEqual([2, 2]);
    const run = await page.evaluate(() => ({ activation: window.webgpuSgdPage.lastRun()!.exp.config.activation, loss: window.webgpuSgdPage.lastRun()!.result!.history.loss }));
    expect(run.activation).toBe('tanh');
    expect(await page.evaluate(() => window.webgpuSgdPage.charts.units.snapshot!.title)).toContain('v_k tanh(w_k x + b_k)');
    expect(await page.evaluate(() => location.search)).toContain('activation=tanh');
    // The GPU's run of tanh units is its float32 twin's (the comparison runs cpu-f32 with the same config).
    await page.click('#compare');
    await page.waitForFunction(() => window.webgpuSgdPage.lastComparison !== null, { timeout: 60_000 });
    const c = await page.evaluate(() => window.webgpuSgdPage.lastComparison as { ok: boolean; maxRel: number });
    expect(c.ok, String(c.maxRel)).toBe(true);
    expect(run.loss[1]).toBeLessThan(run.loss[0]);
  });

  it('replays the fit after a run: the slider redraws alpha, the units and the error marker as they were at epoch 1 and at the end', async () => {
    await open('?lang=en&M=4000');
    expect(await page.$eval('#replay-box', (e) => (e as HTMLElement).hidden)).toBe(true);
    await trainWith('gpu');
    expect(await page.$eval('#replay-box', (e) => (e as HTMLElement).hidden)).toBe(false);
    const shown = () =>
      page.evaluate(() => {
        const c = window.webgpuSgdPage.charts;
        const marker = c.loss.snapshot!.datasets.find((d) => d.label.includes('shown'));
        return {
          alpha: c.alpha.snapshot!.datasets[1].ys!,
          unit1: c.units.snapshot!.datasets[0].ys!,
          marker: marker ? marker.xs : null,
          label: document.getElementById('replay-epoch')!.textContent,
        };
      });
    const end = await shown();
    expect(end.marker).toBeNull();
    expect(end.label).toBe('Epoch 5 / 5');
    const slide = async (value: string) => {
      await page.$eval(
        '#replay',
        (e, v) => {
          (e as HTMLInputElement).value = v;
          e.dispatchEvent(new Event('input', { bubbles: true }));
        },
        value,
      );
      await chartsDrawn();
      return shown();
    };
    const first = await slide('0');
    expect(first.label).toBe('Epoch 1 / 5');
    expect(first.marker).toEqual([1, 1]);
    const rel = (a: (number | null)[], b: (number | null)[]) => Math.max(...a.map((v, i) => Math.abs(v! - b[i]!) / Math.max(1, Math.abs(b[i]!))));
    // Epoch 1's fit is visibly not the last one's (alpha moves by more than 1 % of its scale), nor are its units.
    expect(rel(first.alpha, end.alpha)).toBeGreaterThan(0.01);
    expect(rel(first.unit1, end.unit1)).toBeGreaterThan(1e-3);
    // Epoch 1's alpha is alpha of the theta kept at epoch 1 (theta each epoch from the run), in float64.
    const third = await slide('2');
    expect(third.marker).toEqual([3, 3]);
    expect(rel(third.alpha, first.alpha)).toBeGreaterThan(1e-3);
    // Back at the end: the run's own final alpha (from the GPU) again.
    const back = await slide('4');
    expect(back.marker).toBeNull();
    expect(back.alpha).toEqual(end.alpha);
    await page.screenshot({ path: join(ARTIFACTS, 'page-replay.png'), fullPage: true });
  });

  it('fits a phone and a laptop: no horizontal scroll at 390 px, Train, its status and the results in view at 1366 x 768, no empty chart, legends as lines, every axis named', async () => {
    await open('?lang=en&M=2400');
    // Before a run: no empty frame (the error and the units appear with the first run), f drawn.
    expect(await page.$eval('#loss-box', (e) => (e as HTMLElement).hidden)).toBe(true);
    expect(await page.$eval('#units-box', (e) => (e as HTMLElement).hidden)).toBe(true);
    expect(await page.$eval('#sweep-charts', (e) => (e as HTMLElement).hidden)).toBe(true);
    expect(await canvasColours('chart-alpha')).toBeGreaterThan(5);
    await page.setViewport({ width: 1366, height: 768 });
    await page.evaluate(() => window.scrollTo(0, 0));
    const inView = (ids: string[]) =>
      page.evaluate((list) => list.map((id) => document.getElementById(id)!.getBoundingClientRect()).map((r) => r.top >= 0 && r.top < innerHeight - 20), ids);
    expect(await inView(['train'])).toEqual([true]);
    await page.evaluate(() => document.getElementById('train')!.click());
    await waitIdle();
    expect(await page.evaluate(() => scrollY)).toBe(0);
    expect(await inView(['train', 'status', 'results'])).toEqual([true, true, true]);
    await page.screenshot({ path: join(ARTIFACTS, 'page-1366x768.png') });
    const charts = await page.evaluate(() =>
      Object.entries(window.webgpuSgdPage.charts).map(([name, c]) => ({
        name,
        y: c.snapshot!.axes.y.title,
        pointStyle: c.snapshot!.legendPointStyle,
        styles: c.snapshot!.datasets.map((d) => d.pointStyle),
      })),
    );
    expect(charts.map((c) => c.name)).toEqual(['alpha', 'loss', 'units']);
    for (const c of charts) expect(c.y, c.name).not.toBe('');
    for (const c of charts.filter((x) => ['alpha', 'loss', 'units'].includes(x.name))) {
      expect(c.pointStyle, c.name).toBe(true);
      expect(
        c.styles.every((s) => s === 'line'),
        `${c.name}: ${c.styles}`,
      ).toBe(true);
    }
    await page.setViewport({ width: 390, height: 844 });
    await page.evaluate(() => new Promise((r) => setTimeout(r, 300)));
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // One column: Train and its status, then the charts, then the results and the fields.
    const tops = await page.evaluate(() => ['.controls .run', 'main > .charts', '#results', '#fields'].map((s) => document.querySelector(s)!.getBoundingClientRect().top));
    expect(tops, String(tops)).toEqual([...tops].sort((a, b) => a - b));
    await page.screenshot({ path: join(ARTIFACTS, 'page-390.png'), fullPage: true });
  });

  it('puts the math beside the code: five formulas typeset by KaTeX, each lighting the WGSL lines and the CPU twin lines that compute it, and a lit line its formula', async () => {
    await open('?lang=en');
    await page.waitForFunction(() => document.querySelectorAll('.formula .katex').length === 5, { timeout: 30_000 });
    expect(await page.$$eval('.katex-error', (e) => e.length)).toBe(0);
    const lit: Record<string, { lines: string[]; twinLines: number; open: boolean; status: string }> = {};
    for (const key of ['unit', 'alpha', 'loss', 'gradient', 'update']) {
      await page.click(`.formula[data-math="${key}"]`);
      lit[key] = await page.evaluate(() => {
        const lines = [...document.querySelectorAll<HTMLElement>('#kernels .line.math-active')];
        return {
          lines: lines.map((l) => l.textContent!.trim()),
          twinLines: lines.filter((l) => l.closest<HTMLElement>('details')!.dataset.kernel!.endsWith('.ts')).length,
          open: lines.every((l) => l.closest('details')!.open),
          status: document.getElementById('math-status')!.textContent!,
        };
      });
      expect(await page.$eval(`.formula[data-math="${key}"]`, (e) => e.classList.contains('math-active'))).toBe(true);
      expect(lit[key].lines.length, key).toBeGreaterThan(0);
      expect(lit[key].open, key).toBe(true);
      // Every lit line is tagged with this formula, and none of another formula only.
      for (const line of lit[key].lines) expect(line, key).toMatch(new RegExp(`// \\[math [a-z, ]*${key}`));
      // Every formula is computed by WGSL and by the CPU twin the WGSL is held to (src/kernels/).
      const { lines, twinLines } = lit[key];
      expect(twinLines, key).toBeGreaterThan(0);
      expect(lines.length - twinLines, key).toBeGreaterThan(0);
      expect(lit[key].status).toBe(`${lines.length - twinLines} lines of WGSL compute it, and ${twinLines} of TypeScript in their CPU twins (marked in the kernels below).`);
    }
    // The update is theta -= dt * gradient in the per-op kernel and in the fused steps.
    expect(lit.update.lines.some((l) => l.startsWith('theta[p] -= params.learning_rate * grad[p];'))).toBe(true);
    expect(lit.gradient.lines.some((l) => l.startsWith('let s = r * (v * activation_slope(h));'))).toBe(true);
    // And in the twin: the same step in TypeScript, float32-rounded as the GPU rounds.
    expect(lit.update.lines.some((l) => l.startsWith('for (let p = 0; p < theta.length; p++) theta[p] = rnd(theta[p] - rnd(learningRate * grad[p], single), single);'))).toBe(true);
    // And back: a click on a lit line of the loss lights the loss's formula and all its lines.
    await page.evaluate(() => [...document.querySelectorAll<HTMLElement>('#kernels .line[data-math="loss"]')][0].click());
    expect(await page.$eval('.formula[data-math="loss"]', (e) => e.classList.contains('math-active'))).toBe(true);
    expect(await page.$$eval('#kernels .line.math-active', (e) => e.length)).toBe(lit.loss.lines.length);
    await page.evaluate(() => document.querySelector('.gpu-view')!.scrollIntoView());
    await page.screenshot({ path: join(ARTIFACTS, 'page-math.png') });
    await page.select('#lang', 'sv');
    await page.waitForFunction(() => document.querySelector('.formula[data-math="loss"] h3')?.textContent === 'Förlustfunktionen', { timeout: 10_000 });
    await page.select('#lang', 'en');
  });

  it("draws the GPU's timeline after a run: per-op's last steps as passes, fused as one bar a submission, a sweep's bars each training every model; none for the CPU", async () => {
    await open('?lang=en&M=2400');
    const timeline = () =>
      page.evaluate(() => {
        const t = window.webgpuSgdPage.timeline!;
        const r = window.webgpuSgdPage.lastRun()!.result!;
        return {
          shown: !document.getElementById('timeline-section')!.hidden,
          bars: t.bars,
          dispatches: t.dispatches,
          clock: t.clock,
          runDispatches: r.dispatches,
          note: document.getElementById('timeline-note')!.textContent,
        };
      });
    await trainWith('gpu-perop');
    const perop = await timeline();
    expect(perop.shown).toBe(true);
    // On the GPU's clock the last 4 steps' 12 passes; on the host's, the epochs (3 x 800 + 2 dispatches each).
    if (perop.clock === 'gpu timestamps') expect([perop.bars, perop.dispatches]).toEqual([12, 12]);
    else expect(perop.dispatches).toBe(perop.runDispatches);
    expect(perop.note).toContain(`${perop.bars} bars, ${perop.dispatches} dispatches`);
    expect(perop.note).toContain('One epoch of this run is 2402 dispatches like these');
    expect(await canvasColours('chart-timeline')).toBeGreaterThan(5);
    await trainWith('gpu');
    const fused = await timeline();
    expect(fused.shown).toBe(true);
    expect(fused.dispatches).toBe(fused.runDispatches);
    await page.evaluate(() => document.getElementById('timeline-section')!.scrollIntoView());
    await page.screenshot({ path: join(ARTIFACTS, 'page-timeline.png') });
    await trainWith('cpu');
    expect(await page.$eval('#timeline-section', (e) => (e as HTMLElement).hidden)).toBe(true);
    await setField('sweep-lr', '0.001:0.01:log16');
    await setField('sweep-k', '10');
    await page.select('#sweep-engine', 'gpu');
    await page.click('#sweep-train');
    await page.waitForFunction(() => !window.webgpuSgdPage.sweep.running && (window.webgpuSgdPage.sweep.result?.epochs ?? 0) === 3, { timeout: 120_000 });
    const sweep = await page.evaluate(() => ({
      t: window.webgpuSgdPage.sweep.timeline!,
      dispatches: window.webgpuSgdPage.sweep.result!.dispatches,
      note: document.getElementById('sweep-timeline-note')!.textContent!,
    }));
    expect(sweep.t.dispatches).toBe(sweep.dispatches);
    expect(sweep.note).toContain('Each bar trains all 32 models');
  });

  it('steps SGD a batch at a time: Step draws the batch, its residuals and the gradient; Play at 10 steps a frame, Pause, Step, Reset', async () => {
    await open('?lang=en&M=2400&batch=7');
    const last = async () => {
      await chartsDrawn();
      return page.evaluate(() => {
        const s = window.webgpuSgdPage.step;
        const v = s.last!;
        const ds = window.webgpuSgdPage.charts.alpha.snapshot!.datasets;
        return {
          stepsDone: v.stepsDone,
          frames: s.frames,
          playing: s.playing,
          before: [...v.thetaBefore],
          theta: [...v.theta],
          gradient: [...v.gradient],
          batch: ds.find((d) => d.label === "the step's batch")!.points,
          segments: ds.find((d) => d.label.startsWith('residuals'))!.points,
          gradientBars: s.gradientChart.snapshot!.datasets.map((d) => d.points),
          status: document.getElementById('step-status')!.textContent!,
          trainDisabled: (document.getElementById('train') as HTMLButtonElement).disabled,
        };
      });
    };
    await page.click('#step');
    await page.waitForFunction(() => window.webgpuSgdPage.step.frames === 1, { timeout: 30_000 });
    const first = await last();
    expect(first.stepsDone).toBe(1);
    expect(first.batch).toBe(7);
    expect(first.segments).toBe(3 * 7);
    expect(first.gradientBars).toEqual([10, 10, 10]);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    for (const id of ['chart-alpha', 'chart-units', 'chart-gradient']) expect(await canvasColours(id), id).toBeGreaterThan(5);
    expect(first.status).toMatch(/^Epoch 1 \/ 21, step 1 \/ 115: the batch's error before the step was /);
    expect(first.trainDisabled).toBe(true);
    // The GPU's step is theta - dt * gradient, the gradient the float64 twin computes from theta before it.
    first.theta.forEach((t, p) => expect(Math.abs(t - (first.before[p] - 0.008 * first.gradient[p]))).toBeLessThan(1e-6 + 1e-4 * Math.abs(t)));
    await page.select('#pace', '10');
    await page.click('#play');
    await page.waitForFunction(() => window.webgpuSgdPage.step.frames >= 4, { timeout: 30_000 });
    await page.click('#pause');
    await page.waitForFunction(() => !window.webgpuSgdPage.step.playing, { timeout: 10_000 });
    const paused = await last();
    expect((paused.stepsDone - 1) % 10).toBe(0);
    expect(paused.stepsDone).toBeGreaterThanOrEqual(31);
    await new Promise((r) => setTimeout(r, 300));
    expect((await last()).stepsDone).toBe(paused.stepsDone);
    await page.click('#step');
    await page.waitForFunction((n) => window.webgpuSgdPage.step.last!.stepsDone === n, { timeout: 30_000 }, paused.stepsDone + 1);
    await page.screenshot({ path: join(ARTIFACTS, 'page-step.png'), fullPage: true });
    await page.click('#reset');
    expect(await page.evaluate(() => window.webgpuSgdPage.step.stepper === null)).toBe(true);
    expect(await page.$eval('#train', (e) => (e as HTMLButtonElement).disabled)).toBe(false);
    expect(await page.$eval('#gradient-box', (e) => (e as HTMLElement).hidden)).toBe(true);
    // From the initial theta again.
    await page.click('#step');
    await page.waitForFunction(() => window.webgpuSgdPage.step.last?.stepsDone === 1, { timeout: 30_000 });
    expect((await last()).before).toEqual(first.before);
    await page.click('#reset');
  });

  it('starts from a loaded theta.json: Train continues from it (the API run from that theta), one that does not fit is refused beside the field, and the trained network is shown as a formula', async () => {
    const first = await train({ steps: 2400 }, { engine: 'cpu' });
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = join(ARTIFACTS, 'loaded-theta.json');
    writeFileSync(file, JSON.stringify(thetaJson(first.theta, 'sigmoid')));
    await open('?lang=en&M=2400');
    await ((await page.$('#init')) as ElementHandle<HTMLInputElement>).uploadFile(file);
    await page.waitForFunction(() => window.webgpuSgdPage.loadedTheta !== null, { timeout: 10_000 });
    expect(await text('#init-note')).toBe("Train starts from the loaded theta (K = 10, sigmoid) instead of the seed's.");
    const run = await trainWith('cpu');
    const continued = await train({ steps: 2400, initialTheta: [...first.theta] }, { engine: 'cpu' });
    const same = compareRuns({ history: run.history }, continued, 1e-12);
    expect(same.ok, same.detail).toBe(true);
    expect(run.history.loss[0]).toBeLessThan(first.history.loss[0]);
    const theta = await page.evaluate(() => [...window.webgpuSgdPage.lastRun()!.result!.theta]);
    expect(await text('#network-formula')).toBe(networkFormula(theta, 'sigmoid', 3, LABELS.en.num));
    expect(await text('#network-formula')).toMatch(/^alpha\(x\) = -?[\d.]+ σ\(/);
    // A theta of K = 10 does not fit K = 4: said beside the file field, and Train waits.
    await setField('K', '4');
    expect(await text('#init-error')).toBe('the theta has K = 10 hidden units, the experiment K = 4');
    expect(await page.$eval('#train', (e) => (e as HTMLButtonElement).disabled)).toBe(true);
    // Not a theta.json: said the same way.
    const notTheta = join(ARTIFACTS, 'not-a-theta.json');
    writeFileSync(notTheta, '{"K": 2}');
    await ((await page.$('#init')) as ElementHandle<HTMLInputElement>).uploadFile(notTheta);
    await page.waitForFunction(() => document.getElementById('init-error')!.textContent!.includes('not a theta.json'), { timeout: 10_000 });
    await page.click('#forget-theta');
    await setField('K', '10');
    await page.waitForFunction(() => !(document.getElementById('train') as HTMLButtonElement).disabled && document.getElementById('init-error')!.textContent === '', {
      timeout: 10_000,
    });
    expect(await page.evaluate(() => window.webgpuSgdPage.loadedTheta)).toBeNull();
  });

  it('plays like Train: the error chart grows an epoch at a time, the progress bar and the status follow, Reset clears them', async () => {
    await open('?lang=en&M=2400&batch=7');
    await page.select('#pace', '100');
    await page.click('#play');
    // 115 steps an epoch: three epochs stepped through at 100 steps a frame.
    await page.waitForFunction(() => (window.webgpuSgdPage.step.last?.history.loss.length ?? 0) >= 3, { timeout: 60_000 });
    await page.click('#pause');
    await page.waitForFunction(() => !window.webgpuSgdPage.step.playing, { timeout: 10_000 });
    await chartsDrawn();
    const shown = await page.evaluate(() => {
      const v = window.webgpuSgdPage.step.last!;
      const chart = window.webgpuSgdPage.charts.loss.snapshot!;
      const bar = document.getElementById('progress') as HTMLProgressElement;
      return {
        history: v.history,
        stepsDone: v.stepsDone,
        points: chart.datasets.map((d) => [d.label, d.points]),
        hidden: document.getElementById('loss-box')!.hidden,
        progress: [bar.value, bar.max],
        status: document.getElementById('status')!.textContent!,
      };
    });
    const epochs = shown.history.loss.length;
    expect(shown.hidden).toBe(false);
    expect(shown.points).toEqual([
      ['Training error', epochs],
      ['Validation error', epochs],
    ]);
    expect(shown.history.loss.every((l) => l > 0 && Number.isFinite(l))).toBe(true);
    expect(shown.progress).toEqual([shown.stepsDone, 21 * 115]);
    expect(shown.status).toBe(`Epoch ${epochs} / 21`);
    await page.screenshot({ path: join(ARTIFACTS, 'page-play.png'), fullPage: true });
    await page.click('#reset');
    expect(await page.$eval('#loss-box', (e) => (e as HTMLElement).hidden)).toBe(true);
    expect(await page.$eval('#progress', (e) => (e as HTMLProgressElement).value)).toBe(0);
  });

  it('draws all three charts (kept as a screenshot) and shows the data points on request, over the lines they lie on; no alpha named before a run', async () => {
    await open('?lang=en&M=8000&points=1');
    // Before a run there is no alpha: the legend names only what is drawn.
    await page.waitForFunction(() => window.webgpuSgdPage.charts.alpha.snapshot?.datasets.length === 4, { timeout: 60_000 });
    expect(await page.evaluate(() => window.webgpuSgdPage.charts.alpha.snapshot!.legend.map((l) => l.text))).toEqual(['f', 'training points', 'validation points']);
    await trainWith('gpu');
    await page.screenshot({ path: join(ARTIFACTS, 'page-after-training.png'), fullPage: true });
    for (const id of ['chart-alpha', 'chart-loss', 'chart-units']) expect(await canvasColours(id), id).toBeGreaterThan(5);
    const datasets = await page.evaluate(() => window.webgpuSgdPage.charts.alpha.snapshot!.datasets.map((d) => [d.label, d.points]));
    expect(datasets).toEqual([
      ['f', 300],
      ['alpha', 300],
      ['training points', 800],
      ['validation points', 200],
    ]);
    // The points lie on f: they are drawn after (over) both lines (Chart.js draws the lowest order last).
    const orders = await page.evaluate(() => window.webgpuSgdPage.charts.alpha.snapshot!.datasets.map((d) => d.order));
    expect(Math.max(orders[2], orders[3])).toBeLessThan(Math.min(orders[0], orders[1]));
    expect(await page.evaluate(() => window.webgpuSgdPage.charts.alpha.snapshot!.legend.map((l) => l.text))).toEqual(['f', 'alpha', 'training points', 'validation points']);
    expect(await page.evaluate(() => window.webgpuSgdPage.charts.units.snapshot!.datasets.length)).toBe(10);
    // The pointer reaches the chart worker: a click on the legend's "Validation error" hides that line.
    const item = await page.evaluate(() => window.webgpuSgdPage.charts.loss.snapshot!.legend.find((l) => l.text === 'Validation error')!);
    const canvas = (await (await page.$('#chart-loss'))!.boundingBox())!;
    await page.mouse.click(canvas.x + item.left + item.width / 2, canvas.y + item.top + item.height / 2);
    await page.waitForFunction(() => window.webgpuSgdPage.charts.loss.snapshot!.datasets[1].visible === false, { timeout: 10_000 });
    expect(await page.evaluate(() => window.webgpuSgdPage.charts.loss.snapshot!.datasets.map((d) => d.visible))).toEqual([true, false]);
  });

  it('exports the history as CSV and JSON, theta in Keras layout, and each chart as PNG', async () => {
    await open('?lang=en&M=2400');
    await trainWith('gpu');
    // Catch what the page hands the browser to download.
    await page.evaluate(() => {
      const w = window as unknown as { downloads: { name: string; type: string; text: string; size: number }[] };
      w.downloads = [];
      HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
        const name = this.download;
        void fetch(this.href).then(async (r) => {
          const blob = await r.blob();
          w.downloads.push({ name, type: blob.type, text: blob.type.startsWith('image/') ? '' : await blob.text(), size: blob.size });
        });
      };
    });
    for (const id of ['export-csv', 'export-json', 'export-theta', 'export-alpha', 'export-loss', 'export-units']) await page.click(`#${id}`);
    await page.waitForFunction(() => (window as unknown as { downloads: unknown[] }).downloads.length === 6);
    const files = await page.evaluate(() => (window as unknown as { downloads: { name: string; type: string; text: string; size: number }[] }).downloads);
    const byName = Object.fromEntries(files.map((f) => [f.name, f]));
    const run = await page.evaluate(() => window.webgpuSgdPage.lastRun()!.result!);
    expect(byName['history.csv'].text.trim().split('\n')).toHaveLength(4);
    expect(byName['history.csv'].text.split('\n')[3]).toBe(`3,${run.history.loss[2]},${run.history.valLoss[2]}`);
    expect(JSON.parse(byName['history.json'].text).history.val_loss).toEqual(run.history.valLoss);
    const theta = JSON.parse(byName['theta.json'].text);
    expect(theta.keras_get_weights[0][0]).toHaveLength(10);
    for (const png of ['alpha.png', 'loss.png', 'units.png']) {
      expect(byName[png].type).toBe('image/png');
      expect(byName[png].size).toBeGreaterThan(5000);
    }
  });

  it('switches the chart labels to Swedish and remembers the choice', async () => {
    await open('?lang=en&M=1600');
    await trainWith('cpu');
    await page.select('#lang', 'sv');
    await page.waitForFunction(() => window.webgpuSgdPage.charts.loss.snapshot!.datasets[0].label === 'Träningsfelet');
    await chartsDrawn();
    const labels = await page.evaluate(() => {
      const c = window.webgpuSgdPage.charts.loss.snapshot!;
      return [c.datasets.map((d) => d.label), c.axes.x.title, c.axes.y.title, window.webgpuSgdPage.charts.alpha.snapshot!.datasets[1].label];
    });
    expect(labels).toEqual([['Träningsfelet', 'Generaliseringsfelet'], 'Epok', 'Medelkvadratfel', 'alfa']);
    expect(await text('#train')).toBe('Träna');
    await page.close();
    await open('');
    expect(await text('#train')).toBe('Träna');
    expect(await page.$eval('#lang', (e) => (e as HTMLSelectElement).value)).toBe('sv');
    await page.select('#lang', 'en');
  });

  it('warms the default GPU sweep up while the page is read; after Train its status names a set-up phase or its first epoch within 0.5 s', async () => {
    await open('?lang=en');
    expect(await page.$eval('#sweep-engine', (e) => (e as HTMLSelectElement).value)).toBe('gpu');
    await page.waitForFunction(() => window.webgpuSgdPage.sweep.warmUps > 0, { timeout: 120_000 });
    const shown = await page.evaluate(async () => {
      const status = document.getElementById('sweep-status')!;
      const seen: [number, string][] = [];
      new MutationObserver(() => seen.push([performance.now(), status.textContent ?? ''])).observe(status, { childList: true, characterData: true, subtree: true });
      const pressed = performance.now();
      document.getElementById('sweep-train')!.click();
      while (window.webgpuSgdPage.sweep.running || seen.length === 0) await new Promise((r) => setTimeout(r, 20));
      return seen.map(([at, text]) => [at - pressed, text] as [number, string]);
    });
    const named = shown.find(([, text]) => /^(Choosing|Making|Drawing|Compiling|Uploading)|^Epoch 1 \//.test(text));
    const firstEpoch = shown.find(([, text]) => /^Epoch 1 \//.test(text));
    const upTo = shown.slice(0, shown.indexOf(firstEpoch!) + 1).concat(shown.slice(-1));
    console.log(`the default sweep after its warm-up, from Train: ${upTo.map(([ms, text]) => `${ms.toFixed(0)} ms "${text.slice(0, 40)}"`).join(', ')}`);
    expect(named, JSON.stringify(shown)).toBeDefined();
    expect(named![0]).toBeLessThan(500);
    expect(firstEpoch).toBeDefined();
  });

  it('trains a sweep at once: the heatmap over lr x K, every curve with the best in colour, the best alpha; a diverging lr shows', async () => {
    await open('?lang=en&M=1600');
    await setField('sweep-lr', '0.002:8:log4');
    await setField('sweep-k', '2:16:x2');
    await setField('sweep-seeds', '2');
    await page.select('#sweep-engine', 'gpu');
    await page.click('#sweep-train');
    await page.waitForFunction(() => !window.webgpuSgdPage.sweep.running && window.webgpuSgdPage.sweep.result?.epochs === 2, { timeout: 120_000 });
    await page.waitForFunction(() => window.webgpuSgdPage.sweep.summary !== null);
    await chartsDrawn();
    const s = await page.evaluate(() => {
      const v = window.webgpuSgdPage.sweep;
      const shots = Object.values(v.charts).map((c) => c.snapshot!);
      return {
        models: v.sweep!.models.length,
        cells: v.charts.heatmap.snapshot!.datasets[0].points,
        colourScale: v.charts.heatmap.snapshot!.colourScale,
        values: v.summary!.cells.flat().filter((c): c is number => c !== null),
        learningRates: v.summary!.learningRates.length,
        divergedCells: v.summary!.cells.flat().filter((c) => c === null).length,
        curves: v.charts.loss.snapshot!.datasets.length,
        best: v.charts.loss.snapshot!.datasets[0].label,
        alphaPoints: v.charts.alpha.snapshot!.datasets[1].points,
        axisTitles: shots.flatMap((c) => [c.axes.x.title, c.axes.y.title]),
        status: document.getElementById('sweep-status')!.textContent,
      };
    });
    expect(s.axisTitles.filter((t) => t === '')).toEqual([]);
    expect(s.models).toBe(4 * 4 * 2);
    expect(s.cells).toBe(4 * 4);
    // The colour scale beside the cells spans every cell's value.
    expect(s.colourScale).not.toBeNull();
    for (const v of s.values) {
      expect(v).toBeGreaterThanOrEqual(s.colourScale!.min * (1 - 1e-12));
      expect(v).toBeLessThanOrEqual(s.colourScale!.max * (1 + 1e-12));
    }
    expect(s.divergedCells).toBeGreaterThan(0);
    expect(s.divergedCells).toBeLessThan(16);
    // The diverged models' curves are left out (they would set the axis); the best is drawn once.
    const diverged = await page.evaluate(() => window.webgpuSgdPage.sweep.result!.divergedAt.filter((d) => d !== null).length);
    expect(diverged).toBeGreaterThan(0);
    expect(s.curves).toBe(32 - diverged);
    expect(s.best).toBe('best');
    expect(s.alphaPoints).toBe(300);
    expect(s.status).toMatch(/32 models in [\d.]+ s: [\d,]+ models\/s\. Best: learning rate [\d.]+, K = \d+, seed \d+/);
    for (const id of ['chart-heatmap', 'chart-sweep-loss', 'chart-sweep-alpha']) expect(await canvasColours(id), id).toBeGreaterThan(5);
    await page.screenshot({ path: join(ARTIFACTS, 'page-sweep.png'), fullPage: true });
    // Compare engines on stable learning rates: near divergence, float32 and float64 runs part ways, and the page says so.
    await setField('sweep-lr', '0.001:0.005:log3');
    await page.click('#sweep-train');
    await page.waitForFunction(() => !window.webgpuSgdPage.sweep.running && window.webgpuSgdPage.sweep.result?.epochs === 2 && !document.getElementById('sweep-compare')!.hidden, {
      timeout: 120_000,
    });
    await page.click('#sweep-compare');
    await page.waitForFunction(() => window.webgpuSgdPage.sweep.comparison !== null, { timeout: 120_000 });
    expect(
      await page.evaluate(() => window.webgpuSgdPage.sweep.comparison!.ok),
      JSON.stringify(await page.evaluate(() => window.webgpuSgdPage.sweep.comparison)) + (await text('#sweep-comparison')),
    ).toBe(true);
    expect(await text('#sweep-comparison')).toMatch(
      /GPU \(every model at once\): [\d,]+ models\/s; CPU .*: [\d,]+ models\/s; ratio [\d.]+\. Against the float32 CPU twin \(the same arithmetic\): every model within 1e-3 \(largest difference \S+\)\. Against float64: largest relative difference \S+, because float32 rounding/,
    );
  });

  it("trains a sweep on all cores too, with the best model's alpha", async () => {
    await open('?lang=en&M=1600');
    await setField('sweep-lr', '0.002:0.02:log3');
    await setField('sweep-k', '4:8:x2');
    await page.select('#sweep-engine', 'cpu-workers');
    await page.click('#sweep-train');
    await page.waitForFunction(() => !window.webgpuSgdPage.sweep.running && window.webgpuSgdPage.sweep.result?.epochs === 2, { timeout: 120_000 });
    await page.waitForFunction(() => window.webgpuSgdPage.sweep.charts.alpha.snapshot?.datasets[1].points === 300, { timeout: 10_000 });
    expect(await text('#sweep-status')).toMatch(/12 models in .* Best: /);
  });

  it('benchmarks models at once on every engine, each checked, with models/s and the ratio', async () => {
    // The page times P = 1, 64, 1024 and 16384; the test takes the first two (benchModels in the URL).
    await open('?lang=en&benchModels=1,64');
    await page.click('#models-bench');
    await page.waitForFunction(() => window.webgpuSgdPage.modelsBench !== undefined, { timeout: 120_000 });
    const rows = await page.evaluate(() => window.webgpuSgdPage.modelsBench!);
    for (const P of [1, 64]) {
      for (const engine of ['gpu', 'cpu', 'cpu-wasm', 'cpu-workers']) {
        expect(rows[P][engine].ok, `P=${P} ${engine}`).toBe(true);
        expect(rows[P][engine].rate).toBeGreaterThan(0);
      }
    }
    const cells = await page.$$eval('#models-bench-table tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    expect(cells[0]).toEqual([
      'P models',
      'GPU (every model at once)',
      'CPU (JavaScript, float64, one thread)',
      'CPU (WebAssembly SIMD, float64, one thread)',
      'CPU, all cores (Web Workers)',
    ]);
    expect(cells).toHaveLength(3);
    expect(cells[2][1]).toMatch(/^[\d,]+\/s \([\d.]+x\)$/);
    expect(cells[2][2]).toMatch(/^[\d,]+\/s$/);
    expect(cells[2][3]).toMatch(/^[\d,]+\/s \([\d.]+x\)$/);
  });

  it('refuses a bad sweep with a message', async () => {
    await open('?lang=en&M=1600');
    await setField('sweep-lr', '0.1:0.01:log3');
    await page.click('#sweep-train');
    expect(await text('#sweep-error')).toMatch(/lr: the range 0\.1:0\.01 runs backwards/);
    expect(await page.evaluate(() => window.webgpuSgdPage.sweep.running)).toBe(false);
  });

  it('draws the first epoch soon after Train, and stays responsive while per-op trains and while a CPU sweep trains', async () => {
    await openWatched('?lang=en');
    // The page compiles the shaders and chooses the fused kernel while the student reads.
    await page.waitForFunction(() => window.webgpuSgdPage.warmUps > 0, { timeout: 60_000 });
    await page.select('#engine', 'gpu');
    await page.click('#train');
    await page.waitForFunction(() => window.webgpuSgdPage.firstEpochDrawnAt !== null, { timeout: 30_000 });
    const firstMs = await page.evaluate(() => window.webgpuSgdPage.firstEpochDrawnAt! - window.webgpuSgdPage.trainPressedAt!);
    await waitIdle();
    // The delay of a task posted from the page (a MessageChannel message, the next task the event
    // loop can run), sampled every 100 ms while something trains: what a click would wait.
    const delays = () =>
      page.evaluate(async () => {
        const out: number[] = [];
        for (let i = 0; i < 20; i++) {
          const t = performance.now();
          await new Promise<void>((r) => {
            const ch = new MessageChannel();
            ch.port1.onmessage = () => r();
            ch.port2.postMessage(0);
          });
          out.push(performance.now() - t);
          await new Promise((r) => setTimeout(r, 100));
        }
        return out;
      });
    const since = await page.evaluate(() => performance.now());
    await page.select('#engine', 'gpu-perop');
    await page.click('#train');
    await page.waitForFunction(() => window.webgpuSgdPage.running());
    const perop = await delays();
    await page.click('#stop');
    await waitIdle();
    await setField('sweep-lr', '0.001:0.01:log512');
    await setField('sweep-k', '10');
    await page.select('#sweep-engine', 'cpu');
    await page.click('#sweep-train');
    await page.waitForFunction(() => window.webgpuSgdPage.sweep.running);
    const sweep = await delays();
    await page.click('#sweep-stop');
    await page.waitForFunction(() => !window.webgpuSgdPage.sweep.running, { timeout: 30_000 });
    const tasks = await longTasks(since);
    const worst = (a: number[]) => Math.max(...a);
    console.log(
      `Train to first epoch drawn: ${firstMs.toFixed(0)} ms; a posted task waited at most ${worst(perop).toFixed(1)} ms during per-op, ${worst(sweep).toFixed(1)} ms during a 1024-model CPU sweep; longest task ${Math.max(0, ...tasks).toFixed(0)} ms`,
    );
    expect(firstMs).toBeLessThan(2000);
    expect(worst(perop)).toBeLessThan(100);
    expect(worst(sweep)).toBeLessThan(100);
    // Starting and stopping runs has a few tasks over 50 ms: 57-81 ms over four runs since the charts
    // are drawn in their worker (up to 180 ms before); the aim is 100 ms, the rest a margin for the suite's load.
    expect(Math.max(0, ...tasks)).toBeLessThan(150);
  });
});

/** The longest main-thread tasks the page ran (PerformanceObserver 'longtask'), in ms, since `since`. */
const longTasks = (since = 0) =>
  page.evaluate((t0) => ((window as unknown as { longTasks: { start: number; ms: number }[] }).longTasks ?? []).filter((t) => t.start >= t0).map((t) => t.ms), since);

/** Opens the page with a long-task recorder installed before any of its code runs. */
async function openWatched(query: string): Promise<Page> {
  errors = [];
  page = await browser.newPage();
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.evaluateOnNewDocument(() => {
    const w = window as unknown as { longTasks: { start: number; ms: number }[] };
    w.longTasks = [];
    // The dev server serves a module a file: room for all of them in the resource timings.
    performance.setResourceTimingBufferSize(10_000);
    new PerformanceObserver((list) => list.getEntries().forEach((e) => w.longTasks.push({ start: e.startTime, ms: e.duration }))).observe({ type: 'longtask', buffered: true });
  });
  await page.setViewport({ width: 1400, height: 1800 });
  await page.goto(`${pageUrl}${query}`);
  await page.waitForFunction(() => 'webgpuSgdPage' in window, { timeout: 60_000 });
  return page;
}

/** Milliseconds from a click on `selector` (sent now) to its handler running on the page. */
async function clickAnswer(selector: string): Promise<number> {
  await page.evaluate((sel) => {
    const w = window as unknown as { answered: number | null };
    w.answered = null;
    document.querySelector(sel)!.addEventListener('click', () => (w.answered = performance.now()), { once: true });
  }, selector);
  const sent = await page.evaluate(() => performance.now());
  await page.click(selector);
  await page.waitForFunction(() => (window as unknown as { answered: number | null }).answered !== null, { timeout: 60_000 });
  return page.evaluate((t) => (window as unknown as { answered: number }).answered - t, sent);
}

describe.skipIf(!webgpu.ok)('the page under what a user types, links or clicks (issue 9)', () => {
  // 10^7 points, 10^9 steps of batch 1: 125 epochs of 8,000,000 steps, the data points shown.
  const heavy = '?lang=en&N=10000000&M=1000000000&batch=1&points=1';

  it('answers a click within 1 s of loading the heaviest valid link, and a keystroke after it; its points are sampled', async () => {
    await openWatched(heavy);
    const click = await clickAnswer('#show-points');
    await setField('seed', '7');
    const key = await clickAnswer('#preset-example1');
    // Let the data for the chart be made (in slices) and drawn, then look at the longest task.
    await page.click('#show-points');
    await page.waitForFunction(() => (window.webgpuSgdPage.charts.alpha.snapshot?.datasets.length ?? 0) >= 3, { timeout: 60_000 }).catch(() => undefined);
    const tasks = await longTasks();
    console.log(
      `heavy link: click answered in ${click.toFixed(0)} ms, a later click in ${key.toFixed(0)} ms; longest task ${Math.max(0, ...tasks).toFixed(0)} ms of ${tasks.length} over 50 ms`,
    );
    expect(click).toBeLessThan(1000);
    expect(key).toBeLessThan(1000);
    // Its 10^7 points are drawn through in slices and only 4,000 kept: 0-70 ms over four runs (96 when all were made).
    expect(Math.max(0, ...tasks)).toBeLessThan(100);
  });

  it('starts up in tasks under 100 ms: Chart.js draws in its worker, a hidden chart costs nothing, no mathjs; axes labelled in Swedish', async () => {
    await openWatched('?lang=sv&M=1600');
    const mathjs = () => page.evaluate(() => performance.getEntriesByType('resource').some((e) => e.name.includes('mathjs')));
    // Start-up is over when f is drawn (in the worker) and KaTeX has typeset the five formulas.
    await page.waitForFunction(() => window.webgpuSgdPage.charts.alpha.snapshot !== null && document.querySelectorAll('.formula').length === 5, { timeout: 60_000 });
    await new Promise((r) => setTimeout(r, 300));
    const startUp = Math.max(0, ...(await longTasks()));
    const drawn = await page.evaluate(() =>
      [...Object.entries(window.webgpuSgdPage.charts), ...Object.entries(window.webgpuSgdPage.sweep.charts).map(([k, c]) => [`sweep ${k}`, c] as const)]
        .filter(([, c]) => c.snapshot !== null)
        .map(([k]) => k),
    );
    expect(drawn).toEqual(['alpha']);
    expect(await mathjs()).toBe(false);
    // The page's own bundle holds no Chart.js (its error for a reused canvas is a string it carries),
    // and opens with V8's compile hint (build/compile-hints.ts): compiled off the main thread.
    const entry = await page.evaluate(async () => (await fetch(document.querySelector<HTMLScriptElement>('script[type=module]')!.src)).text());
    expect(entry.split('\n')[0]).toBe(COMPILE_HINT);
    expect(entry).not.toContain('Canvas is already in use');
    // Chart.js's own labels would follow the browser's locale (English here): these are the page's.
    const labels = await page.evaluate(() => window.webgpuSgdPage.charts.alpha.snapshot!.axes.x.ticks.map((t) => t.label));
    expect(labels).toContain('\u22124');
    await page.select('#target', 'custom');
    await page.waitForFunction(() => document.getElementById('formula-error')!.textContent === '', { timeout: 30_000 });
    expect(await mathjs()).toBe(true);
    await setField('formula', 'sin(2 x)');
    await trainWith('cpu');
    console.log(`start-up: longest task ${startUp.toFixed(0)} ms (0 when none passes 50 ms; with Chart.js on the main thread 60-120 ms, before that 0.4-0.95 s in one task)`);
    expect(startUp).toBeLessThan(100);
  });

  it('draws at most 2000 of 10^6 data points', async () => {
    await openWatched('?lang=en&N=1000000&M=800000&points=1');
    await page.waitForFunction(() => window.webgpuSgdPage.charts.alpha.snapshot?.datasets.length === 4, { timeout: 60_000 });
    const drawn = await page.evaluate(() => window.webgpuSgdPage.charts.alpha.snapshot!.datasets.slice(2).map((d) => d.points));
    expect(drawn).toEqual([2000, 2000]);
  });

  it.each([
    ['gpu', 6000],
    ['cpu', 4000],
    ['gpu', 300],
    ['cpu', 300],
  ] as const)(
    'Stop on %s, %i ms into a run of 8,000,000-step epochs (inside an epoch, or while 10^7 points are made), is answered within 1 s, and says so; no long task meanwhile',
    async (engine, after) => {
      await openWatched('?lang=en&N=10000000&M=1000000000&batch=1');
      await page.select('#engine', engine);
      const since = await page.evaluate(() => performance.now());
      await page.click('#train');
      await page.waitForFunction(() => window.webgpuSgdPage.running(), { timeout: 30_000 });
      // 4-6 s: past making the data (and, on the GPU, choosing its kernel) and into an epoch; 300 ms: while the data are made.
      await new Promise((r) => setTimeout(r, after));
      const pressed = await page.evaluate(() => performance.now());
      await page.click('#stop');
      await page.waitForFunction(() => !window.webgpuSgdPage.running(), { timeout: 30_000 });
      const ms = (await page.evaluate(() => performance.now())) - pressed;
      const r = await page.evaluate(() => window.webgpuSgdPage.lastRun()!.result!);
      const tasks = await longTasks(since);
      console.log(
        `Stop inside an 8M-step epoch on ${engine}: answered in ${ms.toFixed(0)} ms, after ${r.partialEpoch?.stepsDone} steps; longest task ${Math.max(0, ...tasks).toFixed(0)} ms`,
      );
      expect(ms).toBeLessThan(1000);
      // Data, orders, uploads and validation all go in slices: 0-80 ms over four runs (100 ms is the aim, the rest a margin for the suite's load).
      expect(Math.max(0, ...tasks)).toBeLessThan(150);
      expect(r.status).toBe('aborted');
      if (after === 300 && !r.partialEpoch) {
        // Stopped before the first epoch began.
        expect(await text('#status')).toMatch(/Stopped: the epochs so far are kept/);
        return;
      }
      expect(r.partialEpoch).toMatchObject({ epoch: r.epochs + 1, steps: 8_000_000 });
      expect(await text('#status')).toMatch(new RegExp(`Stopped inside epoch ${r.epochs + 1}, after ${r.partialEpoch!.stepsDone.toLocaleString('en')} of its 8,000,000 steps`));
    },
  );

  it.each(['gpu', 'cpu', 'cpu-wasm'])('a runaway model in a sweep on %s is marked, and sets no scale', async (engine) => {
    await open('?lang=en&M=2400');
    // lr 0.5 explodes in its first epoch (4.5e103 in float64, overflow in float32); the others learn.
    await setField('sweep-lr', '0.005:0.5:log3');
    await setField('sweep-k', '10');
    await setField('sweep-seeds', '2');
    await page.select('#sweep-engine', engine);
    await page.click('#sweep-train');
    await page.waitForFunction(() => !window.webgpuSgdPage.sweep.running && window.webgpuSgdPage.sweep.result?.epochs === 3, { timeout: 120_000 });
    await page.waitForFunction(() => window.webgpuSgdPage.sweep.summary !== null);
    await chartsDrawn();
    const s = await page.evaluate(() => {
      const v = window.webgpuSgdPage.sweep;
      const r = v.result!;
      const alive = r.divergedAt.map((d, m) => (d === null ? m : -1)).filter((m) => m >= 0);
      const largest = Math.max(...r.valLoss.flatMap((e) => alive.map((m) => e[m])).filter(Number.isFinite));
      return { divergedAt: r.divergedAt, largest, yMax: v.charts.loss.snapshot!.axes.y.max, cells: v.summary!.cells, status: document.getElementById('sweep-status')!.textContent };
    });
    expect(s.divergedAt).toEqual([null, null, null, null, 1, 1]);
    expect(s.cells.map((row) => row[0] === null)).toEqual([false, false, true]);
    expect(s.yMax).toBeLessThanOrEqual(10 * s.largest);
    expect(s.yMax).toBeGreaterThanOrEqual(s.largest);
    expect(await canvasColours('chart-heatmap')).toBeGreaterThan(5);
  });

  it('a stopped sweep says so, with the rate of what ran', async () => {
    await open('?lang=en');
    await setField('sweep-lr', '0.001:0.01:log64');
    await setField('sweep-k', '10');
    await page.select('#sweep-engine', 'cpu');
    await page.click('#sweep-train');
    await page.waitForFunction(() => (window.webgpuSgdPage.sweep.result?.loss.length ?? 0) >= 2, { timeout: 120_000 });
    await page.click('#sweep-stop');
    await page.waitForFunction(() => !window.webgpuSgdPage.sweep.running, { timeout: 30_000 });
    const r = await page.evaluate(() => ({ status: window.webgpuSgdPage.sweep.result!.status, epochs: window.webgpuSgdPage.sweep.result!.epochs }));
    expect(r.status).toBe('aborted');
    expect(r.epochs).toBeLessThan(50);
    expect(await text('#sweep-status')).toMatch(new RegExp(`^Stopped after epoch ${r.epochs} of 50: 128 models, [\\d.]+ s for what ran, [\\d,]+ models/s\\.`));
  });

  it('the small things: no empty sweep charts before a sweep, the benchmark after them, a hint on the read-only formula, alpha drawn over f, no validation line at split 0, whole epochs on the axes', async () => {
    await open('?lang=en&M=5000&split=0');
    expect(await page.$eval('#sweep-charts', (e) => (e as HTMLElement).hidden)).toBe(true);
    const order = await page.$$eval('#sweep-charts, #models-bench', (els) => els.map((e) => e.id));
    expect(order).toEqual(['sweep-charts', 'models-bench']);
    expect(await page.$eval('#formula', (e) => (e as HTMLInputElement).readOnly)).toBe(true);
    expect(await page.$eval('#formula-hint', (e) => !(e as HTMLElement).hidden && e.textContent)).toBe('Choose “custom formula” above to type your own f.');
    await page.select('#target', 'custom');
    expect(await page.$eval('#formula-hint', (e) => (e as HTMLElement).hidden)).toBe(true);
    await page.select('#target', 'lecture');
    await trainWith('cpu');
    const charts = await page.evaluate(() => {
      const alpha = window.webgpuSgdPage.charts.alpha.snapshot!;
      const loss = window.webgpuSgdPage.charts.loss.snapshot!;
      return {
        // Chart.js draws the dataset of lowest `order` last, on top.
        alphaOnTop: alpha.datasets[1].order < alpha.datasets[0].order,
        lossLabels: loss.datasets.map((d) => d.label),
        ticks: loss.axes.x.ticks.map((t) => t.value),
      };
    });
    expect(charts.alphaOnTop).toBe(true);
    expect(charts.lossLabels).toEqual(['Training error']);
    expect(charts.ticks.length).toBeGreaterThan(0);
    expect(
      charts.ticks.every((t) => Number.isInteger(t)),
      String(charts.ticks),
    ).toBe(true);
    await setField('sweep-lr', '0.005');
    await setField('sweep-k', '10');
    await page.select('#sweep-engine', 'cpu');
    await page.click('#sweep-train');
    expect(await page.$eval('#sweep-charts', (e) => (e as HTMLElement).hidden)).toBe(false);
    await page.waitForFunction(() => !window.webgpuSgdPage.sweep.running, { timeout: 60_000 });
  });

  it('speaks Swedish all the way: decimal commas taken, no English left after a run and a sweep', async () => {
    await open('?lang=sv&M=2400');
    expect(await text('[data-label="example2Note"]')).toContain('dt = 0,004');
    await setField('dt', '0,008');
    expect(await text('#dt-error')).toBe('');
    await page.click('#train');
    await waitIdle();
    expect(await page.evaluate(() => window.webgpuSgdPage.lastRun()!.exp.config.learningRate)).toBe(0.008);
    await page.click('#compare');
    await page.waitForFunction(() => window.webgpuSgdPage.lastComparison !== null, { timeout: 60_000 });
    await setField('sweep-lr', '0,002:0,5:log3');
    await setField('sweep-k', '4:8:x2');
    await page.click('#sweep-train');
    await page.waitForFunction(() => !window.webgpuSgdPage.sweep.running && window.webgpuSgdPage.sweep.result?.epochs === 3, { timeout: 120_000 });
    await page.click('#sweep-compare');
    await page.waitForFunction(() => window.webgpuSgdPage.sweep.comparison !== null, { timeout: 120_000 });
    await setField('N', 'tio');
    await chartsDrawn();
    const shown = await page.evaluate(() => {
      const texts: string[] = [document.title];
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement!;
        // The WGSL sources are code, and the language chooser names English in English.
        if (el.closest('pre, script, style, #lang') || el.closest('[hidden]')) continue;
        if (n.textContent!.trim()) texts.push(n.textContent!.trim());
      }
      for (const el of document.querySelectorAll<HTMLElement>('[title], [placeholder]')) texts.push(el.title, el.getAttribute('placeholder') ?? '');
      const w = window.webgpuSgdPage;
      const charts = [...Object.values(w.charts), ...Object.values(w.sweep.charts), ...(w.timeline ? [w.timeline.chart] : [])];
      for (const c of charts.map((v) => v.snapshot).filter((x) => x !== null)) {
        texts.push(c.title, ...Object.values(c.axes).map((a) => a.title));
        texts.push(...c.datasets.map((d) => d.label));
      }
      return texts.filter((t) => t !== '');
    });
    const english =
      /\b(the|and|of|with|epochs?|diverged|models?|stopped|done|training|errors?|best|steps?|threads?|invocations?|lanes?|workgroups?|seeds?|learning|rate|compare|press|failed|dispatch(es|ed)?|time|setup|final|train|stop|points|units?|not|number|empty|agree|against|every|than|past|ran)\b/i;
    // EPOCHS is the lecture's own variable, in both languages.
    const left = shown.filter((t) => english.test(t.replace(/EPOCHS/g, '')));
    expect(left, left.join('\n')).toEqual([]);
    // Nor an English number: a decimal point or an e-exponent in the run's and the sweep's words.
    for (const id of ['status', 'comparison', 'sweep-status', 'sweep-comparison']) expect(await text(`#${id}`), id).not.toMatch(/\d\.\d|\de-?\d/);
    // The timeline's rows are named in Swedish too (the fused kernel's: sammanslagen).
    const rows = await page.evaluate(() => window.webgpuSgdPage.timeline?.chart.snapshot?.datasets.map((d) => d.label) ?? []);
    expect(rows.includes('fused'), rows.join()).toBe(false);
    // The walk saw what a run and a sweep leave: their status lines and comparisons, the field's error.
    for (const id of ['status', 'comparison', 'result-list', 'sweep-status', 'sweep-comparison', 'N-error']) {
      const t = (await text(`#${id}`)).trim();
      expect(t, id).not.toBe('');
      expect(
        shown.some((x) => t.includes(x)),
        id,
      ).toBe(true);
    }
    console.log(
      shown
        .filter((t) => t.length > 30)
        .slice(-12)
        .join('\n'),
    );
    expect(await text('#N-error')).toBe('"tio" är inget tal');
    await page.select('#lang', 'en');
  });
});

describe('the page without WebGPU', () => {
  it('says why in a banner, turns the GPU engines off, and trains on the CPU', async () => {
    const plain = await launchChrome({ webgpu: false });
    try {
      errors = [];
      page = await openPage(plain, `${pageUrl}?lang=en&M=1600`, 'webgpuSgdPage', errors);
      await page.waitForFunction(() => !document.getElementById('banner')!.hidden, { timeout: 30_000 });
      expect(await text('#banner')).toMatch(/No WebGPU here, so the GPU engines are off; the CPU engines work\. .*adapter/);
      expect(await page.$eval('#engine', (e) => (e as HTMLSelectElement).value)).toBe('cpu');
      expect(await page.$$eval('#engine option', (o) => o.map((e) => (e as HTMLOptionElement).disabled))).toEqual([true, true, false, false]);
      await page.click('#train');
      await waitIdle();
      expect(await text('#status')).toMatch(/Epoch 2 \/ 2\. Done\./);
      await page.close();
    } finally {
      page = undefined as unknown as Page;
      await plain.close();
    }
  });
});
