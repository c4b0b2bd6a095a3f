/**
 * The page's charts as Chart.js configs, each built from plain data. The page posts a chart's kind
 * and its data to the chart worker (src/app/chart-worker.ts), which builds the config here and
 * draws it on the canvas the page handed it: Chart.js never runs on the page's main thread.
 * Everything a builder takes can be posted (numbers, strings, arrays, typed arrays); the functions
 * a config holds (axis labels, legend filters, plugins) are made here, on the worker's side.
 */
import type { ChartConfiguration } from 'chart.js';
import type { Activation } from '../experiment/activation';
import type { Timeline } from '../experiment/run';
import type { SweepSummary } from '../experiment/sweep';
import { alphaChartConfig, errorChartOptions, gradientChartConfig, LEGEND_LABELS, lossChartConfig, pointDatasets, timelineChartConfig, unitsChartConfig } from './charts';
import { heatmapConfig } from './heatmap';
import { LABELS, type Language } from './i18n';
import type { PointSets } from './sample';

/** A step's batch: its points and the residual alpha(x_i) - y_i of each. */
export interface StepBatch {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  residual: ArrayLike<number>;
}

/** The sweep's error curves to draw (picked on the page, src/app/sweep-view.ts): the best model's and a sample of the rest. */
export interface SweepCurves {
  /** Validation error per epoch (null where not finite or not positive). */
  best: (number | null)[] | null;
  others: (number | null)[][];
  /** Models in the sweep, and how many of them the faded curves sample. */
  models: number;
  shown: number;
  epochs: number;
}

/** Residual segments drawn at most (a batch of 800 would hide the chart). */
const MAX_SEGMENTS = 64;

type Config = ChartConfiguration<'line'> | ChartConfiguration<'bar'> | ChartConfiguration<'matrix'>;

/** Each kind of chart the page draws, by the data it takes. */
export const PAGE_CHARTS = {
  /** f against alpha on the plot grid, with the data points if asked; `title` replaces the usual one. */
  alpha(a: { grid: ArrayLike<number>; f: ArrayLike<number>; alpha: ArrayLike<number> | null; points: PointSets | null; lang: Language; title?: string }): Config {
    const c = alphaChartConfig(a.grid, a.f, a.alpha, a.lang);
    if (a.points) c.data.datasets.push(...pointDatasets(a.points.xTrain, a.points.yTrain, a.points.xVal, a.points.yVal, a.lang));
    if (a.title !== undefined) c.options!.plugins!.title = { display: true, text: a.title };
    return c;
  },

  /** The training and validation error per epoch, the x axis to `epochs`; `marker` marks the epoch a replay shows. */
  loss(a: { loss: ArrayLike<number>; valLoss: ArrayLike<number | null>; lang: Language; validation: boolean; marker: number | null; epochs: number }): Config {
    const c = lossChartConfig(a.loss, a.valLoss, a.lang, a.validation, a.marker);
    (c.options!.scales!.x as { max: number }).max = a.epochs;
    return c;
  },

  /** Each hidden unit's curve v_k act(w_k x + b_k). */
  units(a: { grid: ArrayLike<number>; theta: ArrayLike<number> | null; lang: Language; activation: Activation }): Config {
    return unitsChartConfig(a.grid, a.theta, a.lang, a.activation);
  },

  /** One step (src/app/step-view.ts): alpha after it, alpha before it faded, the batch's points and each residual as a segment. */
  stepAlpha(a: { grid: ArrayLike<number>; f: ArrayLike<number>; alpha: ArrayLike<number>; before: ArrayLike<number>; batch: StepBatch; lang: Language }): Config {
    const L = LABELS[a.lang];
    const c = alphaChartConfig(a.grid, a.f, a.alpha, a.lang);
    const faded = (colour: string) => ({ borderColor: colour, backgroundColor: colour, pointRadius: 0, pointStyle: 'line' as const, borderWidth: 2, borderDash: [5, 4] });
    c.data.datasets.push({ label: L.alphaBefore, data: Array.from(a.before, (y, i) => ({ x: a.grid[i], y })), ...faded('rgba(255, 127, 14, 0.35)'), order: 3 });
    const { x, y, residual } = a.batch;
    const n = Math.min(x.length, MAX_SEGMENTS);
    const segments: { x: number; y: number | null }[] = [];
    for (let i = 0; i < n; i++) segments.push({ x: x[i], y: y[i] }, { x: x[i], y: y[i] + residual[i] }, { x: x[i], y: null });
    c.data.datasets.push({
      label: L.residuals,
      data: segments as never,
      borderColor: '#d62728',
      backgroundColor: '#d62728',
      pointRadius: 0,
      pointStyle: 'line',
      borderWidth: 2,
      spanGaps: false,
      order: -1,
    });
    c.data.datasets.push({
      label: L.batchPoints,
      data: Array.from({ length: n }, (_, i) => ({ x: x[i], y: y[i] })),
      showLine: false,
      pointRadius: 5,
      pointStyle: 'circle',
      borderColor: '#d62728',
      backgroundColor: '#d62728',
      order: -2,
    });
    return c;
  },

  /** One step's hidden units: after it in colour, before it in dashed grey (unnamed in the legend). */
  stepUnits(a: { grid: ArrayLike<number>; theta: ArrayLike<number>; before: ArrayLike<number>; lang: Language; activation: Activation }): Config {
    const c = unitsChartConfig(a.grid, a.theta, a.lang, a.activation);
    const old = unitsChartConfig(a.grid, a.before, a.lang, a.activation);
    for (const d of old.data.datasets) {
      d.label = '';
      d.borderColor = 'rgba(120, 120, 120, 0.3)';
      (d as { borderDash?: number[] }).borderDash = [4, 4];
    }
    c.data.datasets.push(...old.data.datasets);
    (c.options!.plugins!.legend as { labels?: object }).labels = { ...LEGEND_LABELS, filter: (item: { text: string }) => item.text !== '' };
    return c;
  },

  /** One step's gradient, d/dv_k, d/dw_k and d/db_k of each unit as bars. */
  gradient(a: { gradient: ArrayLike<number>; lang: Language }): Config {
    return gradientChartConfig(a.gradient, a.lang);
  },

  /** What the GPU ran: a bar a pass or submission. */
  timeline(a: { timeline: Timeline; lang: Language }): Config {
    return timelineChartConfig(a.timeline, a.lang);
  },

  /** The sweep's final validation error over learning rate x K. */
  heatmap(a: { summary: SweepSummary; lang: Language }): Config {
    return heatmapConfig(a.summary, a.lang);
  },

  /** Every model's validation error per epoch, faded, with the best one in colour on top. */
  sweepLoss(a: { curves: SweepCurves; lang: Language }): Config {
    const l = LABELS[a.lang];
    const { best, others, models, shown, epochs } = a.curves;
    const curve = (vs: (number | null)[]) => vs.map((y, e) => ({ x: e + 1, y: y as number }));
    const datasets: ChartConfiguration<'line'>['data']['datasets'] = [];
    if (best) datasets.push({ label: l.sweepBest, data: curve(best), borderColor: '#ff7f0e', backgroundColor: '#ff7f0e', borderWidth: 3, pointRadius: 0, pointStyle: 'line' });
    for (const vs of others)
      datasets.push({ label: '', data: curve(vs), borderColor: 'rgba(31, 119, 180, 0.15)', backgroundColor: 'rgba(31, 119, 180, 0.15)', borderWidth: 1, pointRadius: 0 });
    return {
      type: 'line',
      data: { datasets },
      options: errorChartOptions(
        `${l.sweepLossTitle}${shown < models ? ` ${l.sweepFaded(shown, models)}` : ''}`,
        { ...LEGEND_LABELS, filter: (item: { text: string }) => item.text !== '' },
        epochs,
        a.lang,
      ),
    };
  },
};

export type PageCharts = typeof PAGE_CHARTS;
export type PageChartKind = keyof PageCharts;
/** The data a kind of chart takes. */
export type PageChartData<K extends PageChartKind> = Parameters<PageCharts[K]>[0];

/** A snapshot carries a dataset's values up to this many points. */
export const SNAPSHOT_VALUES = 400;

/** What the worker drew, as the page (and its tests) can read it: titles, datasets, axes and their ticks. */
export interface ChartSnapshot {
  kind: PageChartKind;
  title: string;
  /** The legend draws each dataset's point style (a line for a line). */
  legendPointStyle: boolean;
  /** Each dataset; xs and ys are its values where it has at most SNAPSHOT_VALUES (the curves, not the data points). */
  datasets: { label: string; points: number; order: number; pointStyle: string; visible: boolean; xs: (number | null)[] | null; ys: (number | null)[] | null }[];
  /** The legend's items where the chart drew them (CSS pixels on the canvas): a click there hides or shows a dataset. */
  legend: { text: string; left: number; top: number; width: number; height: number }[];
  axes: Record<string, { title: string; min: number; max: number; ticks: { value: number; label: string }[] }>;
  /** A heatmap's colour scale: the values its two ends stand for (null for other charts). */
  colourScale: { min: number; max: number } | null;
}
