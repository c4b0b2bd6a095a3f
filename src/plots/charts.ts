/**
 * The lecture's two plots with Chart.js: f against alpha on the plot grid, and the training
 * and validation error per epoch on a log axis. The page and the CLI draw the same charts.
 */
import { activationCode, type Activation } from '../experiment/activation';
import { activate } from '../kernels/common';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  Title,
  Tooltip,
  type ChartConfiguration,
  type ChartType,
  type Plugin,
} from 'chart.js';
import type { Timeline } from '../experiment/run';
import { LABELS, type Language } from './i18n';
import { sampleIndices } from './sample';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Legend, Title, BarController, BarElement, CategoryScale, Tooltip);

/** Paints the canvas white first, so an exported PNG is not transparent. */
export const whiteBackground: Plugin<'line'> = {
  id: 'whiteBackground',
  beforeDraw(chart) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.globalCompositeOperation = 'destination-over';
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

/** Legends drawn with each dataset's point style: a line for a line (LINE below), a dot for data points. */
export const LEGEND_LABELS = { usePointStyle: true } as const;

/** What a line series sets: no points on the line, and a line as its legend's mark. */
const LINE = { pointRadius: 0, pointStyle: 'line' } as const;

/** A data point's white rim, so it stands out on the line it lies on. */
const POINT_RIM = { borderWidth: 0.75 } as const;

const BLUE = '#1f77b4';
const ORANGE = '#ff7f0e';

const points = (xs: ArrayLike<number>, ys: ArrayLike<number>) => Array.from(ys, (y, i) => ({ x: xs[i], y }));

/** Chart.js config of f and alpha on the grid (matplotlib's colours, as in the lecture). */
export function alphaChartConfig(grid: ArrayLike<number>, f: ArrayLike<number>, alpha: ArrayLike<number> | null, lang: Language): ChartConfiguration<'line'> {
  const l = LABELS[lang];
  return {
    type: 'line',
    data: {
      datasets: [
        // Chart.js draws the lowest `order` last: alpha on top of f, where it hides nothing.
        { label: l.f, data: points(grid, f), borderColor: BLUE, backgroundColor: BLUE, ...LINE, borderWidth: 2, order: 1 },
        { label: l.alpha, data: alpha ? points(grid, alpha) : [], borderColor: ORANGE, backgroundColor: ORANGE, ...LINE, borderWidth: 2, order: 0 },
      ],
    },
    options: {
      animation: false,
      parsing: false,
      // The legend in dataset order (f first), whatever the drawing order, and only what is drawn
      // (before a run there is no alpha to name).
      plugins: {
        title: { display: true, text: l.alphaTitle },
        legend: {
          labels: {
            ...LEGEND_LABELS,
            sort: (a, b) => (a.datasetIndex ?? 0) - (b.datasetIndex ?? 0),
            filter: (item, data) => data.datasets[item.datasetIndex ?? 0].data.length > 0,
          },
        },
      },
      scales: {
        x: { type: 'linear', min: -4, max: 4, title: { display: true, text: l.x }, ticks: linearTicks(lang) },
        y: { type: 'linear', title: { display: true, text: l.yAlpha }, ticks: linearTicks(lang) },
      },
    },
    plugins: [whiteBackground],
  };
}

/** The hidden units' curves v_k act(w_k x + b_k) on the grid, from theta (rows [v, w, b]). */
export function unitCurves(grid: ArrayLike<number>, theta: ArrayLike<number>, activation: Activation): { x: number; y: number }[][] {
  const K = theta.length / 3;
  const act = activationCode(activation);
  return Array.from({ length: K }, (_, k) => {
    const [v, w, b] = [theta[3 * k], theta[3 * k + 1], theta[3 * k + 2]];
    return Array.from(grid, (x) => ({ x, y: v * activate(w * x + b, act, 'f64') }));
  });
}

/** Ten colours a reader tells apart (Tableau's, matplotlib's default cycle): the hidden units up to ten. */
export const UNIT_COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** Unit k's colour among `count`: the ten distinct ones, or around the wheel past ten. */
export function unitColour(k: number, count: number): string {
  return count <= UNIT_COLOURS.length ? UNIT_COLOURS[k] : `hsl(${Math.round((360 * k) / count)}, 65%, 45%)`;
}

/** Chart.js config of the hidden units: one thin line each, in colours told apart (unitColour). */
export function unitsChartConfig(grid: ArrayLike<number>, theta: ArrayLike<number> | null, lang: Language, activation: Activation = 'sigmoid'): ChartConfiguration<'line'> {
  const l = LABELS[lang];
  const curves = theta ? unitCurves(grid, theta, activation) : [];
  return {
    type: 'line',
    data: {
      datasets: curves.map((data, k) => {
        const colour = unitColour(k, curves.length);
        return { label: `${l.unit} ${k + 1}`, data, borderColor: colour, backgroundColor: colour, ...LINE, borderWidth: curves.length > 32 ? 1 : 2 };
      }),
    },
    options: {
      animation: false,
      parsing: false,
      plugins: { title: { display: true, text: l.unitsTitle(activation) }, legend: { display: curves.length <= 16, labels: LEGEND_LABELS } },
      scales: {
        x: { type: 'linear', min: -4, max: 4, title: { display: true, text: l.x }, ticks: linearTicks(lang) },
        y: { type: 'linear', title: { display: true, text: l.yUnits }, ticks: linearTicks(lang) },
      },
    },
    plugins: [whiteBackground],
  };
}

/** Scatter datasets of the training and validation points (at most MAX_DRAWN of each, sampled), for the alpha chart. */
export function pointDatasets(
  xTrain: ArrayLike<number>,
  yTrain: ArrayLike<number>,
  xVal: ArrayLike<number>,
  yVal: ArrayLike<number>,
  lang: Language,
): ChartConfiguration<'line'>['data']['datasets'] {
  const l = LABELS[lang];
  const sampled = (xs: ArrayLike<number>, ys: ArrayLike<number>) => sampleIndices(xs.length).map((i) => ({ x: xs[i], y: ys[i] }));
  const sets: ChartConfiguration<'line'>['data']['datasets'] = [
    // The points lie on f: drawn over the lines (order -1, drawn last), with a white rim, so they show.
    {
      label: l.trainPoints,
      data: sampled(xTrain, yTrain),
      showLine: false,
      pointStyle: 'circle',
      pointRadius: 2.5,
      ...POINT_RIM,
      borderColor: '#ffffff',
      backgroundColor: '#555555',
      order: -1,
    },
  ];
  if (xVal.length > 0)
    sets.push({
      label: l.valPoints,
      data: sampled(xVal, yVal),
      showLine: false,
      pointStyle: 'circle',
      pointRadius: 3,
      ...POINT_RIM,
      borderColor: '#ffffff',
      backgroundColor: '#2ca02c',
      order: -1,
    });
  return sets;
}

/** A dashed grey vertical line at x from the smallest to the largest of `ys` (a replay marker, the benchmark's crossover). */
function verticalLine(label: string, x: number, ys: number[]): ChartConfiguration<'line'>['data']['datasets'][number] {
  const line = [Math.min(...ys), Math.max(...ys)].map((y) => ({ x, y }));
  return { label, data: line, borderColor: '#555555', backgroundColor: '#555555', borderDash: [6, 4], ...LINE, borderWidth: 2 };
}

/**
 * A number as an axis labels it in the page's language: a decimal comma, a minus sign and a space
 * between thousands in Swedish; exponent notation past 1e15 or under 1e-4. Written here rather
 * than left to Chart.js, whose labels go through Intl.NumberFormat: that follows the browser's
 * locale, not the page's, and its first use costs ~80 ms in one piece at the page's start-up.
 */
export function axisNumber(v: number, lang: Language, digits?: number): string {
  const a = Math.abs(v);
  let text = a !== 0 && (a >= 1e15 || a < 1e-4) ? v.toExponential(2) : digits === undefined ? String(Number(v.toPrecision(12))) : v.toFixed(digits);
  if (!text.includes('e')) {
    const [whole, fraction] = text.split('.');
    const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, lang === 'sv' ? '\u00a0' : ',');
    text = fraction === undefined ? grouped : `${grouped}.${fraction}`;
  }
  return lang === 'sv' ? text.replace('.', ',').replace('-', '\u2212') : text;
}

/** A linear axis's labels (see axisNumber): as many decimals as the step between ticks needs. */
export function linearTicks(lang: Language) {
  return {
    callback: (value: number | string, _index: number, ticks: { value: number }[]) => {
      const step = ticks.length > 1 ? Math.abs(ticks[1].value - ticks[0].value) : 1;
      let digits = 0;
      while (digits < 20 && step > 0 && Math.abs(step * 10 ** digits - Math.round(step * 10 ** digits)) > 1e-6) digits++;
      return axisNumber(Number(value), lang, digits);
    },
  };
}

/** A log axis labels 1, 2 and 5 times each power of ten, plainly (0.02, not 2e-2 or 0.020). */
export function logTicks(lang: Language) {
  return {
    callback: (value: number | string) => {
      const v = Number(value);
      const mantissa = v / 10 ** Math.floor(Math.log10(v));
      const whole = Math.round(mantissa);
      return Math.abs(mantissa - whole) < 1e-6 && (whole === 1 || whole === 2 || whole === 5) ? axisNumber(Number(v.toPrecision(6)), lang) : '';
    },
  };
}

/**
 * The options of an error-per-epoch chart (the run's and the sweep's): no animation, its title and
 * legend, epochs 1 to `epochs` in whole numbers, the mean squared error on a log axis.
 */
export function errorChartOptions(title: string, legendLabels: object, epochs: number, lang: Language): ChartConfiguration<'line'>['options'] {
  const l = LABELS[lang];
  return {
    animation: false,
    parsing: false,
    plugins: { title: { display: true, text: title }, legend: { labels: legendLabels } },
    scales: {
      x: { type: 'linear', min: 1, max: Math.max(1, epochs), title: { display: true, text: l.epoch }, ticks: { precision: 0, ...linearTicks(lang) } },
      y: { type: 'logarithmic', title: { display: true, text: l.mse }, ticks: logTicks(lang) },
    },
  };
}

/** Chart.js config of the training and validation error per epoch, log y axis as plt.semilogy. */
export function lossChartConfig(
  loss: ArrayLike<number>,
  valLoss: ArrayLike<number | null>,
  lang: Language,
  validation = true,
  /** Replay: the epoch shown, marked by a vertical line. */
  marker: number | null = null,
): ChartConfiguration<'line'> {
  const l = LABELS[lang];
  const drawn = sampleIndices(loss.length);
  const positive = (v: number | null) => (v !== null && v > 0 ? v : null);
  const series = (vs: ArrayLike<number | null>) => drawn.map((i) => ({ x: i + 1, y: positive(vs[i]) as number }));
  const datasets: ChartConfiguration<'line'>['data']['datasets'] = [{ label: l.training, data: series(loss), borderColor: BLUE, backgroundColor: BLUE, ...LINE, borderWidth: 2 }];
  // Without validation points (split 0) there is no validation line, and the legend names none.
  if (validation) datasets.push({ label: l.validation, data: series(valLoss), borderColor: ORANGE, backgroundColor: ORANGE, ...LINE, borderWidth: 2 });
  if (marker !== null) {
    const ys = [...Array.from(loss), ...Array.from(valLoss)].filter((v): v is number => v !== null && v > 0);
    if (ys.length > 0) datasets.push(verticalLine(l.replayMarker(marker), marker, ys));
  }
  return {
    type: 'line',
    data: { datasets },
    options: errorChartOptions(l.lossTitle, LEGEND_LABELS, loss.length, lang),
    plugins: [whiteBackground],
  };
}

/** Chart.js config of one step's gradient: for each hidden unit, its d/dv_k, d/dw_k and d/db_k as bars. */
export function gradientChartConfig(gradient: ArrayLike<number>, lang: Language): ChartConfiguration<'bar'> {
  const l = LABELS[lang];
  const K = gradient.length / 3;
  const labels = Array.from({ length: K }, (_, k) => `${k + 1}`);
  const part = (p: number) => Array.from({ length: K }, (_, k) => gradient[3 * k + p]);
  return {
    type: 'bar',
    data: {
      labels,
      datasets: [
        { label: 'dL/dv_k', data: part(0), backgroundColor: BLUE },
        { label: 'dL/dw_k', data: part(1), backgroundColor: ORANGE },
        { label: 'dL/db_k', data: part(2), backgroundColor: '#2ca02c' },
      ],
    },
    options: {
      animation: false,
      plugins: { title: { display: true, text: l.gradientTitle }, legend: { display: true } },
      scales: {
        x: { type: 'category', title: { display: true, text: l.unit } },
        y: { type: 'linear', title: { display: true, text: l.gradientY }, ticks: linearTicks(lang) },
      },
    },
    plugins: [whiteBackground as unknown as Plugin<'bar'>],
  };
}

/** The timeline's colours by kernel. */
const KERNEL_COLOURS: Record<string, string> = { forward: BLUE, mse_grad: ORANGE, sgd_update: '#2ca02c', fused: '#9467bd', 'per-op epoch': '#7f7f7f' };

/**
 * Chart.js config of a Timeline: a row a kernel, each pass (or submission) a floating bar from its
 * start to its end, so the gaps between passes show as gaps.
 */
export function timelineChartConfig(timeline: Timeline, lang: Language): ChartConfiguration<'bar'> {
  const l = LABELS[lang];
  const kernels = [...new Set(timeline.bars.map((b) => b.kernel))];
  return {
    type: 'bar',
    data: {
      labels: kernels.map((kernel) => l.timelineRow(kernel)),
      datasets: kernels.map((kernel) => ({
        label: l.timelineRow(kernel),
        data: timeline.bars.filter((b) => b.kernel === kernel).map((b) => ({ x: [b.startMs, b.endMs], y: l.timelineRow(kernel), label: b.label })) as never,
        backgroundColor: KERNEL_COLOURS[kernel],
        borderColor: KERNEL_COLOURS[kernel],
        grouped: false,
        barPercentage: 0.8,
        categoryPercentage: 1,
      })),
    },
    options: {
      indexAxis: 'y',
      animation: false,
      plugins: {
        title: { display: true, text: l.timelineTitle(timeline.clock === 'gpu timestamps') },
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: (c) => {
              const d = c.raw as { x: [number, number]; label: string };
              return `${d.label}: ${l.num(d.x[1] - d.x[0], 3)} ms`;
            },
          },
        },
      },
      scales: {
        x: { type: 'linear', min: 0, title: { display: true, text: l.timelineX }, ticks: linearTicks(lang) },
        y: { type: 'category', title: { display: true, text: l.timelineY } },
      },
    },
    plugins: [whiteBackground as unknown as Plugin<'bar'>],
  };
}

/** What the benchmark's chart shows: one line per engine of time against workload size. */
export interface BenchChartInput {
  title: string;
  xLabel: string;
  yLabel: string;
  series: { label: string; points: { x: number; y: number }[] }[];
  /** Where the GPU starts to win, if it does in the range measured. */
  crossover: { x: number; label: string } | null;
  /** The language of its axis labels (English if not given). */
  lang?: Language;
  width: number;
  height: number;
}

const SERIES_COLOURS = [ORANGE, '#d62728', BLUE, '#2ca02c', '#9467bd'];

/** Chart.js config of the benchmark: log-log time against size, the crossover as a vertical line. */
export function benchChartConfig(input: BenchChartInput): ChartConfiguration<'line'> {
  const ys = input.series.flatMap((s) => s.points.map((p) => p.y)).filter((y) => y > 0);
  const datasets: ChartConfiguration<'line'>['data']['datasets'] = input.series.map((s, i) => ({
    label: s.label,
    data: s.points,
    borderColor: SERIES_COLOURS[i % SERIES_COLOURS.length],
    backgroundColor: SERIES_COLOURS[i % SERIES_COLOURS.length],
    pointRadius: 4,
    borderWidth: 2,
  }));
  if (input.crossover && ys.length > 0) datasets.push(verticalLine(input.crossover.label, input.crossover.x, ys));
  return {
    type: 'line',
    data: { datasets },
    options: {
      animation: false,
      parsing: false,
      plugins: { title: { display: true, text: input.title } },
      scales: {
        x: { type: 'logarithmic', title: { display: true, text: input.xLabel }, ticks: logTicks(input.lang ?? 'en') },
        y: { type: 'logarithmic', title: { display: true, text: input.yLabel }, ticks: logTicks(input.lang ?? 'en') },
      },
    },
    plugins: [whiteBackground],
  };
}

/** A canvas Chart.js can draw on that gives its picture as a PNG data URL: the DOM's, or @napi-rs/canvas's in Node. */
export interface PngCanvas {
  width: number;
  height: number;
  getContext(kind: '2d'): unknown;
  toDataURL(type: 'image/png'): string;
}

/** Makes a canvas of a size. */
export type PngMaker = (width: number, height: number) => PngCanvas;

/** A DOM canvas (the page, the runner page in Chrome). */
export const domCanvas: PngMaker = (width, height) => {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  return canvas;
};

/** Draws a config once on a fixed-size canvas and returns it as a PNG data URL. */
export function renderPng<T extends ChartType>(config: ChartConfiguration<T>, width: number, height: number, make: PngMaker = domCanvas): string {
  const canvas = make(width, height);
  const chart = new Chart(
    canvas as unknown as HTMLCanvasElement,
    {
      ...config,
      options: { ...config.options, responsive: false, devicePixelRatio: 1 },
    } as ChartConfiguration<T>,
  );
  const png = canvas.toDataURL('image/png');
  chart.destroy();
  return png;
}

/** Gives a live chart a freshly built config (new data and options) and redraws it without animation. */
export function replaceConfig(chart: Chart, config: { data: unknown; options?: unknown }): void {
  chart.data = config.data as never;
  chart.options = { ...(config.options as object), maintainAspectRatio: false } as never;
  chart.update('none');
}
