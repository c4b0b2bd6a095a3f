/**
 * The page's sweep view: train a model for every (learning rate, K, seed) at once, then see the
 * heatmap of final validation error, every model's error curve (the best in colour), and the
 * best model's alpha against f.
 */
import { Chart } from 'chart.js';
import type { ExperimentConfig } from '../experiment/config';
import { plotGrid } from '../experiment/grid';
import { parseAxis, prepareSweep, summarizeSweep, sweepDifference, sweepModels, type SweepEngine, type SweepResult, type Sweep, type SweepSummary } from '../experiment/sweep';

import { parseDecimal } from '../experiment/numbers';
import { targetFunction } from '../experiment/targets';
import { alphaOf, trainSweep } from '../train';
import { alphaChartConfig, replaceConfig } from '../plots/charts';
import { $ } from './dom';
import { heatmapConfig } from '../plots/heatmap';
import { LABELS, type Language } from '../plots/i18n';
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
}

/** The state a test or the page can read. */
export interface SweepViewState {
  running: boolean;
  sweep: Sweep | null;
  result: SweepResult | null;
  summary: SweepSummary | null;
  /** GPU against its float32 twin (ok, maxRel, how many models differ past 1e-3) and against float64. */
  comparison: { ok: boolean; maxRel: number; float64: number; past?: number } | null;
  charts: { heatmap: Chart; loss: Chart; alpha: Chart };
}

/** Wires the sweep form and charts; returns its state and a relabel function for a language change. */
export function setupSweepView(host: SweepViewHost): { state: SweepViewState; relabel: () => void } {
  const form = $<HTMLFormElement>('sweep-form');
  const train = $<HTMLButtonElement>('sweep-train');
  const stop = $<HTMLButtonElement>('sweep-stop');
  const compare = $<HTMLButtonElement>('sweep-compare');
  const error = $('sweep-error');
  const status = $('sweep-status');
  const engineSelect = $<HTMLSelectElement>('sweep-engine');
  const L = () => LABELS[host.lang()];
  const name = (e: SweepEngine) => (e === 'gpu' ? L().sweepEngineGpu : e === 'cpu' ? L().engineCpu : L().sweepEngineWorkers);
  const make = (id: string, config: unknown) =>
    new Chart($<HTMLCanvasElement>(id), { ...(config as object), options: { ...(config as { options: object }).options, maintainAspectRatio: false } } as never);
  const state: SweepViewState = {
    running: false,
    sweep: null,
    result: null,
    summary: null,
    comparison: null,
    charts: {
      heatmap: make('chart-heatmap', heatmapConfig({ learningRates: [], hiddenUnits: [], cells: [], diverged: [], best: null }, host.lang())),
      loss: make('chart-sweep-loss', lossCurvesConfig(null, null, host.lang())),
      alpha: make(
        'chart-sweep-alpha',
        alphaChartConfig(
          GRID,
          GRID.map(() => NaN),
          null,
          host.lang(),
        ),
      ),
    },
  };
  let controller: AbortController | null = null;
  let pending = false;

  /** Reads the form into a sweep, or shows why it cannot be one. */
  const read = (): Sweep | null => {
    const config = host.config();
    if (!config) {
      error.textContent = L().derivedBad;
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
      error.textContent = '';
      return sweep;
    } catch (e) {
      if (!(e instanceof SweepError || e instanceof ConfigError)) throw e;
      error.textContent = L().problemText(e.problem);
      return null;
    }
  };

  const redraw = () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      const { sweep, result } = state;
      const lang = host.lang();
      if (sweep && result && result.loss.length > 0) {
        state.summary = summarizeSweep(sweep.models, result);
        replaceConfig(state.charts.heatmap, heatmapConfig(state.summary, lang));
        replaceConfig(state.charts.loss, lossCurvesConfig(result, state.summary.best?.index ?? null, lang));
      }
      const best = state.summary?.best;
      const f = sweep ? GRID.map(targetFunction(sweep.base.config.target, sweep.base.config.formula)) : GRID.map(() => NaN);
      const theta = best && result?.thetas[best.index];
      const a = alphaChartConfig(GRID, f, theta ? alphaOf(theta, GRID) : null, lang);
      a.options!.plugins!.title = { display: true, text: L().sweepAlphaTitle };
      replaceConfig(state.charts.alpha, a);
    });
  };

  const run = async (engine: SweepEngine, sweep: Sweep, onEpoch: boolean) =>
    trainSweep(sweep, {
      engine,
      signal: controller!.signal,
      onEpoch: onEpoch
        ? ({ epoch, loss, valLoss, divergedAt }) => {
            const partial = state.result!;
            partial.loss.push(loss);
            partial.valLoss.push(valLoss);
            partial.divergedAt = [...divergedAt];
            partial.epochs = epoch;
            const diverged = partial.divergedAt.filter((d) => d !== null).length;
            status.textContent = L().sweepProgress(epoch, sweep.base.epochs, sweep.models.length, diverged);
            redraw();
          }
        : undefined,
    });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (state.running) return;
    const sweep = read();
    if (!sweep) return;
    const engine = engineSelect.value as SweepEngine;
    controller = new AbortController();
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
      timings: { setupMs: 0, trainMs: 0, totalMs: 0 },
      device: '',
    };
    train.disabled = true;
    stop.disabled = false;
    compare.hidden = true;
    // The charts appear with the first sweep: before it they would be empty frames.
    $('sweep-charts').hidden = false;
    status.textContent = L().sweepRunning;
    $('sweep-comparison').textContent = '';
    try {
      const result = await run(engine, sweep, true);
      state.result = result;
      const seconds = result.timings.trainMs / 1000;
      const best = summarizeSweep(sweep.models, result).best;
      const m = best ? sweep.models[best.index] : null;
      // Models trained a second, counting a model done when all its epochs ran: for a stopped sweep, what ran.
      const rate = Math.round((sweep.models.length * result.epochs) / sweep.base.epochs / Math.max(seconds, 1e-9)).toLocaleString(host.lang());
      const E = sweep.base.epochs;
      status.textContent =
        (result.status === 'completed'
          ? L().sweepDone(sweep.models.length, L().num(seconds, 3), rate)
          : L().sweepStopped(result.epochs, E, sweep.models.length, L().num(seconds, 3), rate)) +
        (m && best ? ` ${L().sweepBestModel(L().num(m.learningRate, 3), m.hiddenUnits, m.initSeed, L().num(best.valLoss, 4))}` : '');
      compare.textContent = L().compareWith(name(engine === 'gpu' ? 'cpu' : 'gpu'));
      compare.hidden = result.epochs === 0;
    } catch (err) {
      status.textContent = `${L().failed} ${(err as Error).message}`;
    } finally {
      state.running = false;
      train.disabled = false;
      stop.disabled = true;
      redraw();
    }
  });
  stop.addEventListener('click', () => controller?.abort());
  compare.addEventListener('click', async () => {
    const { sweep, result } = state;
    if (!sweep || !result || state.running) return;
    const other: SweepEngine = result.engine === 'gpu' ? 'cpu' : 'gpu';
    compare.disabled = true;
    controller = new AbortController();
    try {
      // The same epochs as the first run (all of them, or those before its Stop).
      const same =
        result.epochs === sweep.base.epochs
          ? sweep
          : prepareSweep({ ...sweep.base.config, steps: Math.ceil(result.epochs * (sweep.base.trainPoints / sweep.base.config.batchSize)) }, sweep.models);
      const second = await run(other, same, false);
      const rate = (r: SweepResult) => (sweep.models.length * r.epochs) / sweep.base.epochs / (r.timings.trainMs / 1000);
      const lang = host.lang();
      const timing = L().sweepCompared(
        name(result.engine),
        Math.round(rate(result)).toLocaleString(lang),
        name(other),
        Math.round(rate(second)).toLocaleString(lang),
        L().num(rate(result) / rate(second), 3),
      );
      // The GPU is held to its float32 twin (the same arithmetic); float64 is shown beside it.
      const gpu = result.engine === 'gpu' ? result : other === 'gpu' ? second : null;
      if (!gpu) {
        const d = sweepDifference(result, second, 1e-9);
        state.comparison = { ok: d.past === 0 && d.divergedInOne === 0, maxRel: d.maxRel, float64: d.maxRel };
        $('sweep-comparison').textContent = timing;
        return;
      }
      const float64 = gpu === result ? second : result;
      const twin = await trainSweep(same, { engine: 'cpu', precision: 'f32', signal: controller.signal });
      const t = sweepDifference(gpu, twin);
      const d = sweepDifference(gpu, float64);
      state.comparison = { ok: t.past === 0 && t.divergedInOne === 0, maxRel: t.maxRel, float64: d.maxRel, past: t.past + t.divergedInOne };
      $('sweep-comparison').textContent =
        `${timing} ${L().sweepTwin(state.comparison.ok, t.maxRel.toExponential(1), t.past + t.divergedInOne)} ${L().sweepFloat64(d.maxRel.toExponential(1))}`;
    } catch (err) {
      $('sweep-comparison').textContent = `${L().failed} ${(err as Error).message}`;
    } finally {
      compare.disabled = false;
    }
  });
  // The models-at-once benchmark (models-bench-view.ts) shares the sweep's engines and its Train button.
  setupModelsBench({
    engines: () => [...engineSelect.options].filter((o) => !o.disabled).map((o) => o.value as SweepEngine),
    name,
    L,
    initialQuery: host.initialQuery,
    busy: (on) => {
      state.running = on;
      train.disabled = on;
    },
    isBusy: () => state.running,
  });
  return { state, relabel: redraw };
}

/** Every model's validation error per epoch, faded, with the best one in colour on top. */
function lossCurvesConfig(result: SweepResult | null, best: number | null, lang: Language) {
  const l = LABELS[lang];
  const P = result?.divergedAt.length ?? 0;
  const step = Math.max(1, Math.ceil(P / MAX_CURVES));
  const curve = (m: number) => (result ? result.valLoss.map((v, e) => ({ x: e + 1, y: Number.isFinite(v[m]) && v[m] > 0 ? v[m] : (null as unknown as number) })) : []);
  const datasets = [];
  if (best !== null) datasets.push({ label: `${l.sweepBest}`, data: curve(best), borderColor: '#ff7f0e', backgroundColor: '#ff7f0e', borderWidth: 3, pointRadius: 0 });
  // A diverged model is left out: its losses would set the axis (up to 1e28 and past) for all the others.
  for (let m = 0; m < P; m += step) {
    if (m !== best && result!.divergedAt[m] === null)
      datasets.push({ label: '', data: curve(m), borderColor: 'rgba(31, 119, 180, 0.15)', backgroundColor: 'rgba(31, 119, 180, 0.15)', borderWidth: 1, pointRadius: 0 });
  }
  const shown = Math.min(P, Math.ceil(P / step));
  return {
    type: 'line' as const,
    data: { datasets },
    options: {
      animation: false as const,
      parsing: false as const,
      plugins: {
        title: { display: true, text: `${l.sweepLossTitle}${step > 1 ? ` ${l.sweepFaded(shown, P)}` : ''}` },
        legend: { labels: { filter: (item: { text: string }) => item.text !== '' } },
      },
      scales: {
        x: { type: 'linear' as const, min: 1, max: Math.max(1, result?.loss.length ?? 1), title: { display: true, text: l.epoch }, ticks: { precision: 0 } },
        y: { type: 'logarithmic' as const, title: { display: true, text: l.mse } },
      },
    },
  };
}
