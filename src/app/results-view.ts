/**
 * The results of the last run on the page: its numbers (losses, times, dispatches, kernel,
 * device), the comparison with the other engine, and the downloads of its records.
 */
import { prepareExperiment, type Experiment } from '../experiment/config';
import { compareRuns } from '../experiment/compare';
import { historyCsv, historyJson, networkFormula, thetaJson } from '../experiment/records';
import type { EngineName, TrainResult } from '../experiment/run';
import type { Labels, Language } from '../plots/i18n';
import { train } from '../train';
import { $ } from './dom';
import { download } from './download';
import type { PageEngine } from './state';
import { onGpu } from '../experiment/engines';

/** A run on the page: what it trains, what it has reported so far, and its result once it ends. */
export interface PageRun {
  engine: EngineName;
  exp: Experiment;
  loss: number[];
  valLoss: (number | null)[];
  theta: Float64Array | null;
  alpha: Float64Array | null;
  result: TrainResult | null;
}

/** What the view reads of the page, each time it draws. */
export interface ResultsContext {
  L(): Labels;
  lang(): Language;
  gpuAvailable(): boolean;
  /** The last run (null before any); `busy` while one trains. */
  lastRun(): PageRun | null;
  busy(): boolean;
  /** Lets Train be pressed again if the form is valid. */
  enableTrain(): void;
  /** Redraws "What the GPU runs" with the run's dispatch counts. */
  drawKernels(run: PageRun): void;
}

/** The two engines a comparison runs: the other of the one that ran (the CPU's other is the GPU, where there is one). */
function otherEngine(engine: EngineName, gpuAvailable: boolean): PageEngine {
  if (onGpu(engine)) return 'cpu';
  if (gpuAvailable) return 'gpu';
  // Without a GPU, the other CPU thread: JavaScript against WebAssembly.
  return engine === 'cpu' ? 'cpu-wasm' : 'cpu';
}

/** Runs Compare times each engine: the median of this many runs after a warm-up. */
const REPEATS = 3;
/** A run past this many ms is compared once each, cold (four runs of each engine would keep the page busy too long). */
const LONG_COMPARE_MS = 5000;

/** An engine's runs timed for Compare: the training times' median and range, and the last run. */
interface TimedRuns {
  median: number;
  min: number;
  max: number;
  times: number[];
  result: TrainResult;
}

/** `repeats` timed runs of `engine` on `exp`, after a warm-up run when repeats > 1; `starting(i)` before the i-th (from 0). */
async function timedRuns(exp: Experiment, engine: EngineName, repeats: number, starting: (i: number) => void): Promise<TimedRuns> {
  if (repeats > 1) await train(exp, { engine });
  const runs: TrainResult[] = [];
  for (let i = 0; i < repeats; i++) {
    starting(i);
    runs.push(await train(exp, { engine }));
  }
  const times = runs.map((r) => r.timings.trainMs).sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], min: times[0], max: times.at(-1)!, times, result: runs.at(-1)! };
}

/** Sets up the view; returns how to show a run's results, compare it, and export it. */
export function setupResultsView(ctx: ResultsContext) {
  const engineLabel = (e: EngineName) => ctx.L().engineName(e);
  const msText = (ms: number) => (ms >= 1000 ? `${ctx.L().num(ms / 1000, 3)} s` : `${ctx.L().num(ms, 3)} ms`);
  const num = (v: number | null | undefined) => (v === null || v === undefined ? '-' : ctx.L().num(v, 6));

  /** The run's numbers, and the Compare button named for the other engine. */
  function show(run: PageRun): void {
    const L = ctx.L();
    const r = run.result!;
    const rows: [string, string, string][] = [
      ['final-loss', L.finalLoss, num(r.history.loss.at(-1))],
      ['final-val-loss', L.finalValLoss, num(r.history.valLoss.at(-1))],
      ['train-time', L.totalTime, msText(r.timings.trainMs)],
      ['setup-time', L.setupTime, msText(r.timings.setupMs)],
      ['per-epoch', L.perEpoch, r.epochs > 0 ? msText(r.timings.trainMs / r.epochs) : '-'],
      ['dispatches', L.dispatches, r.dispatches.toLocaleString(ctx.lang())],
      ...(r.kernelChoice ? [['kernel', L.kernelChosen, L.kernelName(r.kernelChoice.variant, r.kernelChoice.workgroupSize)] as [string, string, string]] : []),
      ['device', L.device, r.engine === 'cpu' ? L.cpuDevice : r.engine === 'cpu-wasm' ? L.cpuWasmDevice : `${r.device}${r.softwareAdapter ? ` (${L.softwareShort})` : ''}`],
    ];
    // A GPU figure on a software adapter says what it is, what its numbers show, and what a real GPU measured.
    const note = $('software-note');
    note.hidden = !r.softwareAdapter;
    note.textContent = r.softwareAdapter ? L.softwareNote(r.device) : '';
    $('result-list').replaceChildren(
      ...rows.flatMap(([id, label, value]) => {
        const dt = document.createElement('dt');
        dt.textContent = label;
        const dd = document.createElement('dd');
        dd.id = id;
        dd.textContent = value;
        return [dt, dd];
      }),
    );
    // The trained network with its numbers in, in the page's language, to copy.
    $('network-formula').textContent = networkFormula(r.theta, run.exp.config.activation, 3, L.num);
    $('copy-formula').textContent = L.copy;
    const compare = $<HTMLButtonElement>('compare');
    compare.textContent = L.compareWith(engineLabel(otherEngine(run.engine, ctx.gpuAvailable())));
    compare.hidden = r.epochs === 0;
    $('results').hidden = false;
    ctx.drawKernels(run);
  }

  /**
   * Runs the same experiment on the other engine and says how long each took. A GPU run is held to
   * the float32 CPU twin (cpu-f32: the same arithmetic, so they must agree), and its difference from
   * the float64 CPU is shown beside that, with why the two drift apart.
   */
  async function compare(): Promise<void> {
    const run = ctx.lastRun();
    if (!run?.result || ctx.busy()) return;
    const L = ctx.L();
    const other = otherEngine(run.engine, ctx.gpuAvailable());
    const button = $<HTMLButtonElement>('compare');
    const out = $('comparison');
    button.disabled = true;
    $<HTMLButtonElement>('train').disabled = true;
    out.textContent = L.comparing;
    try {
      const epochs = run.result.epochs;
      // The same experiment, cut to the epochs the first run did, so the two are comparable.
      const exp = epochs === run.exp.epochs ? run.exp : prepareExperiment({ ...run.exp.config, steps: Math.ceil(epochs * (run.exp.trainPoints / run.exp.config.batchSize)) });
      // Both engines timed the same way: warm (a run first) and repeated (the median of REPEATS),
      // unless the run is long, when each runs once.
      const repeats = run.result.timings.trainMs < LONG_COMPARE_MS ? REPEATS : 1;
      const said = (n: number) => (out.textContent = L.comparingRun(n, 2 * repeats));
      const mine = await timedRuns(exp, run.engine, repeats, (i) => said(i + 1));
      const theirs = await timedRuns(exp, other, repeats, (i) => said(repeats + i + 1));
      const second = theirs.result;
      const ratio = mine.median / theirs.median;
      const spread = (t: TimedRuns) => (repeats > 1 ? `${msText(t.median)} (${msText(t.min)}–${msText(t.max)})` : msText(t.median));
      const timing = `${L.comparison(engineLabel(run.engine), spread(mine), engineLabel(other), spread(theirs), ratio)} ${L.comparedHow(repeats)}`;
      const gpu = onGpu(run.engine) ? run.result : onGpu(other) ? second : null;
      if (!gpu) {
        const c = compareRuns(run.result, second);
        out.textContent = `${timing} ${c.ok ? L.agree(L.sci(c.maxRel, 2)) : L.disagree(L.sci(c.maxRel, 2))}`;
        window.webgpuSgdPage.lastComparison = { other, result: second, ...c, float64: c, times: { mine, theirs, ratio } };
        return;
      }
      const float64 = gpu === run.result ? second : run.result;
      const twin = await train(exp, { engine: 'cpu-f32' });
      const c = compareRuns(gpu, twin);
      const d = compareRuns(gpu, float64);
      out.textContent = `${timing} ${c.ok ? L.twinAgree(L.sci(c.maxRel, 2)) : L.twinDisagree(L.sci(c.maxRel, 2))} ${L.float64Diff(L.sci(d.maxRel, 2))}`;
      window.webgpuSgdPage.lastComparison = { other, result: second, ...c, float64: d, times: { mine, theirs, ratio } };
    } catch (e) {
      out.textContent = `${L.failed} ${(e as Error).message}`;
    } finally {
      button.disabled = false;
      ctx.enableTrain();
    }
  }

  /** Downloads the last run's history (CSV or JSON) or theta. */
  function exportRun(kind: 'csv' | 'json' | 'theta'): void {
    const run = ctx.lastRun();
    if (!run?.result) return;
    if (kind === 'csv') download('history.csv', 'text/csv', historyCsv(run.result));
    if (kind === 'json') download('history.json', 'application/json', JSON.stringify(historyJson(run.exp, run.result), null, 2));
    if (kind === 'theta') download('theta.json', 'application/json', JSON.stringify(thetaJson(run.result.theta, run.exp.config.activation), null, 2));
  }

  return { show, compare, exportRun };
}
