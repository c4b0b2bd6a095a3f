/**
 * The page's sweep view: train a model for every (learning rate, K, seed) at once, then see the
 * heatmap of final validation error, every model's error curve (the best in colour), and the
 * best model's alpha against f.
 */
import type { ExperimentConfig } from '../experiment/config';
import { plotGrid } from '../experiment/grid';
import { parseAxis, prepareSweep, summarizeSweep, sweepDifference, sweepModels, type SweepEngine, type SweepResult, type Sweep, type SweepSummary } from '../experiment/sweep';

import { parseDecimal } from '../experiment/numbers';
import { targetFunction } from '../experiment/targets';
import { alphaOf, trainSweep, warmUpSweep } from '../train';
import type { SweepCurves } from '../plots/page-charts';
import { drawTimelineChart, timelineSummary } from './timeline-view';
import { $ } from './dom';
import { ChartView, drawnOncePerFrame } from './chart-view';
import { LABELS, type Labels, type Language } from '../plots/i18n';
import { ConfigError, SweepError } from '../errors';
import { setupModelsBench } from './models-bench-view';

/** At most this many faded curves are drawn; the rest are summarised in the title. */
const MAX_CURVES = 400;
const GRID = plotGrid();

/** What the sweep view needs from the page. */
export interface SweepViewHost {
  /** The experiment's shared settings from the main form, or null while they are invalid. */
  config: () => ExperimentConfig | null;
  lang: () => Language;
  /** The page's query string as it was loaded (benchModels=1,64 picks the benchmark's P values). */
  initialQuery: string;
  /** Resolves once the page knows it has a WebGPU adapter (and rejects if it has none). */
  gpuReady: Promise<void>;
}

/** The state a test or the page can read. */
export interface SweepViewState {
  running: boolean;
  /** GPU warm-ups of the form's sweep finished (its kernel chosen, its pipelines compiled). */
  warmUps: number;
  sweep: Sweep | null;
  result: SweepResult | null;
  summary: SweepSummary | null;
  /** GPU against its float32 twin (ok, maxRel, how many models differ past 1e-3) and against float64. */
  comparison: { ok: boolean; maxRel: number; float64: number; past?: number } | null;
  /** The last GPU sweep's timeline as drawn. */
  timeline?: { bars: number; dispatches: number; clock: string };
  charts: { heatmap: ChartView; loss: ChartView; alpha: ChartView };
}

/** The view's parts, shared by the functions below: its elements, its state, the run in progress. */
interface SweepView {
  host: SweepViewHost;
  state: SweepViewState;
  el: { train: HTMLButtonElement; stop: HTMLButtonElement; compare: HTMLButtonElement; error: HTMLElement; status: HTMLElement; engine: HTMLSelectElement };
  /** The Stop of the sweep (or comparison) in progress. */
  controller: AbortController | null;
  L(): Labels;
  /** An engine's name in the page's language. */
  name(e: SweepEngine): string;
  /** Redraws the charts on the next frame. */
  redraw(): void;
}

/** Wires the sweep form and charts; returns its state and a relabel function for a language change. */
export function setupSweepView(host: SweepViewHost): { state: SweepViewState; relabel: () => void } {
  const L = () => LABELS[host.lang()];
  const view: SweepView = {
    host,
    state: {
      running: false,
      warmUps: 0,
      sweep: null,
      result: null,
      summary: null,
      comparison: null,
      // Drawn when a sweep first shows them.
      charts: { heatmap: new ChartView('chart-heatmap'), loss: new ChartView('chart-sweep-loss'), alpha: new ChartView('chart-sweep-alpha') },
    },
    el: {
      train: $<HTMLButtonElement>('sweep-train'),
      stop: $<HTMLButtonElement>('sweep-stop'),
      compare: $<HTMLButtonElement>('sweep-compare'),
      error: $('sweep-error'),
      status: $('sweep-status'),
      engine: $<HTMLSelectElement>('sweep-engine'),
    },
    controller: null,
    L,
    name: (e) => L().engineName(e, true),
    redraw: () => undefined,
  };
  view.redraw = drawnOncePerFrame(() => draw(view));
  // The GPU sweep's kernel is chosen and its pipelines compiled while the student reads, so that
  // Train starts at once (after the single run's warm-up: the page asks for the sweep's at idle).
  const warm = () => {
    if (view.el.engine.value !== 'gpu' || view.el.engine.selectedOptions[0]?.disabled || view.state.running) return;
    const sweep = readSweep(view);
    if (sweep)
      void warmUpSweep(sweep).then(
        () => view.state.warmUps++,
        () => undefined,
      );
  };
  let warmTimer = 0;
  const scheduleWarm = (delay: number) => {
    clearTimeout(warmTimer);
    warmTimer = window.setTimeout(() => ('requestIdleCallback' in window ? requestIdleCallback(warm, { timeout: 2000 }) : warm()), delay);
  };
  $<HTMLFormElement>('sweep-form').addEventListener('input', () => scheduleWarm(300));
  host.gpuReady.then(
    () => scheduleWarm(1000),
    () => undefined,
  );
  $<HTMLFormElement>('sweep-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void trainOnPage(view);
  });
  view.el.stop.addEventListener('click', () => view.controller?.abort());
  view.el.compare.addEventListener('click', () => void compareOnPage(view));
  // The models-at-once benchmark (models-bench-view.ts) shares the sweep's engines and its Train button.
  setupModelsBench({
    engines: () => [...view.el.engine.options].filter((o) => !o.disabled).map((o) => o.value as SweepEngine),
    name: view.name,
    L,
    initialQuery: host.initialQuery,
    busy: (on) => {
      view.state.running = on;
      view.el.train.disabled = on;
    },
    isBusy: () => view.state.running,
  });
  return {
    state: view.state,
    relabel: () => {
      view.redraw();
      showSoftwareNote(view);
    },
  };
}

/** Reads the form into a sweep, or shows why it cannot be one. */
function readSweep({ host, el, L }: SweepView): Sweep | null {
  const config = host.config();
  if (!config) {
    el.error.textContent = L().derivedBad;
    return null;
  }
  try {
    // Each field read on its own, so a decimal comma ("0,001:0,1:log8") is a number, not a separator.
    const seedsText = $<HTMLInputElement>('sweep-seeds').value;
    const seeds = parseDecimal(seedsText);
    if (seeds === null) throw new SweepError(`seeds: "${seedsText}" is not a number`, 'seeds', { kind: 'seeds', got: seedsText.slice(0, 30) });
    const learningRates = parseAxis('lr', $<HTMLInputElement>('sweep-lr').value);
    const hiddenUnits = parseAxis('K', $<HTMLInputElement>('sweep-k').value).map((k) => Math.round(k));
    const sweep = prepareSweep(config, sweepModels(learningRates, hiddenUnits, seeds, config.initSeed));
    el.error.textContent = '';
    return sweep;
  } catch (e) {
    if (!(e instanceof SweepError || e instanceof ConfigError)) throw e;
    el.error.textContent = L().problemText(e.problem);
    return null;
  }
}

/** The heatmap, the loss curves and the best model's alpha, from the sweep so far. */
function draw({ host, state, L }: SweepView): void {
  const { sweep, result } = state;
  // Before a sweep its charts are hidden (and not yet made).
  if (!sweep) return;
  const lang = host.lang();
  if (sweep && result && result.loss.length > 0) {
    state.summary = summarizeSweep(sweep.models, result);
    state.charts.heatmap.show('heatmap', { summary: state.summary, lang });
    state.charts.loss.show('sweepLoss', { curves: sweepCurves(result, state.summary.best?.index ?? null), lang });
  }
  const best = state.summary?.best;
  const f = GRID.map(targetFunction(sweep.base.config.target, sweep.base.config.formula));
  const theta = best && result?.thetas[best.index];
  const alpha = theta ? alphaOf(theta, GRID, sweep.base.config.activation) : null;
  state.charts.alpha.show('alpha', { grid: GRID, f, alpha, points: null, lang, title: L().sweepAlphaTitle });
}

/** Trains `sweep` on `engine`; with `live`, each epoch goes into the view's result and status as it comes. */
function runSweep(view: SweepView, engine: SweepEngine, sweep: Sweep, live: boolean): Promise<SweepResult> {
  const { state, el, L } = view;
  return trainSweep(sweep, {
    engine,
    signal: view.controller!.signal,
    // What the GPU ran at the end: one bar a submission, every model in it.
    timeline: live && engine === 'gpu',
    // Each phase of the set-up in the status, so the wait before the first epoch is never silent.
    onProgress: live ? (p) => void (p.phase !== 'training' && (el.status.textContent = L().phaseStatus(p.phase, p.done ?? 0, p.total ?? 0))) : undefined,
    onEpoch: live
      ? ({ epoch, loss, valLoss, divergedAt }) => {
          const partial = state.result!;
          partial.loss.push(loss);
          partial.valLoss.push(valLoss);
          partial.divergedAt = [...divergedAt];
          partial.epochs = epoch;
          const diverged = partial.divergedAt.filter((d) => d !== null).length;
          el.status.textContent = L().sweepProgress(epoch, sweep.base.epochs, sweep.models.length, diverged);
          view.redraw();
        }
      : undefined,
  });
}

const timelineChart = new ChartView('chart-sweep-timeline');

/** Under a GPU sweep on a software adapter: what it is, what its numbers show, and what a real GPU measured (in the page's language). */
function showSoftwareNote({ state, L }: SweepView): void {
  const note = $('sweep-software-note');
  const software = state.result?.softwareAdapter === true;
  note.hidden = !software;
  note.textContent = software ? L().softwareNote(state.result!.device) : '';
}

/** The timeline of a GPU sweep: a bar a submission, each running every model (hidden for a CPU sweep). */
function drawSweepTimeline(view: SweepView, result: SweepResult): void {
  const t = result.timeline;
  $('sweep-timeline-section').hidden = !t;
  if (!t) return;
  const L = view.L();
  drawTimelineChart(timelineChart, 'sweep-timeline-note', t, view.host.lang(), L, null, L.sweepTimelineModels(result.divergedAt.length));
  view.state.timeline = { bars: t.bars.length, dispatches: timelineSummary(t).dispatches, clock: t.clock };
}

/** Train: the form's sweep on the chosen engine, drawn epoch by epoch, then how fast it ran and its best model. */
async function trainOnPage(view: SweepView): Promise<void> {
  const { host, state, el, L } = view;
  if (state.running) return;
  const sweep = readSweep(view);
  if (!sweep) return;
  const engine = el.engine.value as SweepEngine;
  view.controller = new AbortController();
  state.running = true;
  state.sweep = sweep;
  state.comparison = null;
  state.result = {
    engine,
    loss: [],
    valLoss: [],
    divergedAt: sweep.models.map(() => null),
    thetas: [],
    status: 'aborted',
    epochs: 0,
    dispatches: 0,
    timings: { setupMs: 0, phases: {}, trainMs: 0, totalMs: 0 },
    device: '',
  };
  el.train.disabled = true;
  el.stop.disabled = false;
  el.compare.hidden = true;
  // The charts appear with the first sweep: before it they would be empty frames.
  $('sweep-charts').hidden = false;
  el.status.textContent = L().sweepRunning;
  $('sweep-comparison').textContent = '';
  $('sweep-timeline-section').hidden = true;
  showSoftwareNote(view);
  try {
    const result = await runSweep(view, engine, sweep, true);
    state.result = result;
    const seconds = result.timings.trainMs / 1000;
    const best = summarizeSweep(sweep.models, result).best;
    const m = best ? sweep.models[best.index] : null;
    // Models trained a second, counting a model done when all its epochs ran: for a stopped sweep, what ran.
    const rate = Math.round((sweep.models.length * result.epochs) / sweep.base.epochs / Math.max(seconds, 1e-9)).toLocaleString(host.lang());
    const E = sweep.base.epochs;
    el.status.textContent =
      (result.status === 'completed'
        ? L().sweepDone(sweep.models.length, L().num(seconds, 3), rate)
        : L().sweepStopped(result.epochs, E, sweep.models.length, L().num(seconds, 3), rate)) +
      (m && best ? ` ${L().sweepBestModel(L().num(m.learningRate, 3), m.hiddenUnits, m.initSeed, L().num(best.valLoss, 4))}` : '');
    drawSweepTimeline(view, result);
    showSoftwareNote(view);
    el.compare.textContent = L().compareWith(view.name(engine === 'gpu' ? 'cpu' : 'gpu'));
    el.compare.hidden = result.epochs === 0;
  } catch (err) {
    el.status.textContent = `${L().failed} ${(err as Error).message}`;
  } finally {
    state.running = false;
    el.train.disabled = false;
    el.stop.disabled = true;
    view.redraw();
  }
}

/**
 * Compare: the same sweep (cut to the epochs that ran) on the other engine, its rate beside the
 * first; the GPU held to its float32 twin (the same arithmetic), float64 shown beside it.
 */
async function compareOnPage(view: SweepView): Promise<void> {
  const { host, state, el, L } = view;
  const { sweep, result } = state;
  if (!sweep || !result || state.running) return;
  const other: SweepEngine = result.engine === 'gpu' ? 'cpu' : 'gpu';
  el.compare.disabled = true;
  view.controller = new AbortController();
  const out = $('sweep-comparison');
  try {
    const same =
      result.epochs === sweep.base.epochs
        ? sweep
        : prepareSweep({ ...sweep.base.config, steps: Math.ceil(result.epochs * (sweep.base.trainPoints / sweep.base.config.batchSize)) }, sweep.models);
    const second = await runSweep(view, other, same, false);
    const rate = (r: SweepResult) => (sweep.models.length * r.epochs) / sweep.base.epochs / (r.timings.trainMs / 1000);
    const lang = host.lang();
    const timing = L().sweepCompared(
      view.name(result.engine),
      Math.round(rate(result)).toLocaleString(lang),
      view.name(other),
      Math.round(rate(second)).toLocaleString(lang),
      L().num(rate(result) / rate(second), 3),
    );
    const gpu = result.engine === 'gpu' ? result : other === 'gpu' ? second : null;
    if (!gpu) {
      const d = sweepDifference(result, second, 1e-9);
      state.comparison = { ok: d.past === 0 && d.divergedInOne === 0, maxRel: d.maxRel, float64: d.maxRel };
      out.textContent = timing;
      return;
    }
    const float64 = gpu === result ? second : result;
    const twin = await trainSweep(same, { engine: 'cpu', precision: 'f32', signal: view.controller.signal });
    const t = sweepDifference(gpu, twin);
    const d = sweepDifference(gpu, float64);
    state.comparison = { ok: t.past === 0 && t.divergedInOne === 0, maxRel: t.maxRel, float64: d.maxRel, past: t.past + t.divergedInOne };
    out.textContent = `${timing} ${L().sweepTwin(state.comparison.ok, L().sci(t.maxRel, 2), t.past + t.divergedInOne)} ${L().sweepFloat64(L().sci(d.maxRel, 2))}`;
  } catch (err) {
    out.textContent = `${L().failed} ${(err as Error).message}`;
  } finally {
    el.compare.disabled = false;
  }
}

/**
 * The error curves the sweep's chart draws: the best model's, and the others that did not diverge
 * (a diverged model's losses would set the axis, up to 1e28 and past, for all the rest), at most
 * MAX_CURVES of them, sampled evenly.
 */
function sweepCurves(result: SweepResult, best: number | null): SweepCurves {
  const P = result.divergedAt.length;
  const step = Math.max(1, Math.ceil(P / MAX_CURVES));
  const curve = (m: number) => result.valLoss.map((v) => (Number.isFinite(v[m]) && v[m] > 0 ? v[m] : null));
  const others: (number | null)[][] = [];
  for (let m = 0; m < P; m += step) if (m !== best && result.divergedAt[m] === null) others.push(curve(m));
  return { best: best === null ? null : curve(best), others, models: P, shown: Math.min(P, Math.ceil(P / step)), epochs: result.loss.length };
}
