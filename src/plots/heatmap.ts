/**
 * The sweep's heatmap (the Chart.js matrix plugin): final validation error over learning rate x
 * K, on a log colour scale, each cell labelled with its value; diverged cells in grey.
 */
import { CategoryScale, Chart, type ChartConfiguration, type Plugin } from 'chart.js';
import { MatrixController, MatrixElement } from 'chartjs-chart-matrix';
import type { SweepSummary } from '../experiment/sweep';
import { whiteBackground } from './charts';
import { LABELS, type Labels, type Language } from './i18n';

Chart.register(MatrixController, MatrixElement, CategoryScale);

/** A colour from dark blue (t = 0, low error) through green to yellow (t = 1), viridis-like. */
export function errorColour(t: number): string {
  const stops = [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ];
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const c = stops[i].map((v, k) => Math.round(v + f * (stops[i + 1][k] - v)));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

interface Cell {
  x: string;
  y: string;
  v: number | null;
  diverged: number;
  /** Where v sits on the colour scale, 0 to 1. */
  t: number;
}

/** Writes each cell's value (or "diverged") in it, in the chart's language, only where it fits. */
const cellLabels = (l: Labels): Plugin<'matrix'> => ({
  id: 'cellLabels',
  afterDatasetsDraw(chart) {
    const { ctx } = chart;
    const meta = chart.getDatasetMeta(0);
    const data = chart.data.datasets[0].data as unknown as Cell[];
    ctx.save();
    ctx.font = `12px ${Chart.defaults.font.family}`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    meta.data.forEach((element, i) => {
      const { x, y, width, height } = element.getProps(['x', 'y', 'width', 'height'], true) as unknown as { x: number; y: number; width: number; height: number };
      const cell = data[i];
      // White on the dark end of the scale and on grey, black on the light end.
      ctx.fillStyle = cell.v === null || cell.t < 0.55 ? '#ffffff' : '#000000';
      // The longest label that fits the cell (value and diverged count, the value alone, or nothing),
      // in 12 px, else 10 px, else 9 px.
      const texts =
        cell.v === null ? [l.divergedCell, l.divergedShort] : [`${l.num(cell.v, 2)} ${l.divergedCount(cell.diverged)}`, l.num(cell.v, 2)].slice(cell.diverged > 0 ? 0 : 1);
      const fit = texts
        .flatMap((text) => [12, 10, 9].map((px) => ({ text, px })))
        .find(({ text, px }) => {
          ctx.font = `${px}px ${Chart.defaults.font.family}`;
          return ctx.measureText(text).width <= width - 4 && height >= px + 2;
        });
      if (fit) {
        ctx.font = `${fit.px}px ${Chart.defaults.font.family}`;
        ctx.fillText(fit.text, x + width / 2, y + height / 2);
      }
    });
    ctx.restore();
  },
});

/** The colour scale's ends: the smallest and the largest error a colour stands for (log between). */
export interface ColourScale {
  min: number;
  max: number;
}

/** Width kept right of the cells for the colour scale and its labels, in pixels. */
const SCALE_ROOM = 80;

/** Draws the colour scale right of the cells: the gradient, its two ends' values, and grey for diverged where a cell is. */
const colourScale = (l: Labels, anyDiverged: boolean): Plugin<'matrix'> => ({
  id: 'colourScale',
  // Its options are the range (Chart.js passes the chart's `plugins.colourScale`; false, no values, turns it off).
  afterDraw(chart, _args, options) {
    const range = options as Partial<ColourScale>;
    if (range.min === undefined || range.max === undefined) return;
    const { ctx, chartArea: a } = chart;
    const x = a.right + 20;
    const width = 14;
    const bottom = anyDiverged ? a.bottom - 28 : a.bottom;
    const gradient = ctx.createLinearGradient(0, bottom, 0, a.top);
    for (let i = 0; i <= 10; i++) gradient.addColorStop(i / 10, errorColour(i / 10));
    ctx.save();
    ctx.fillStyle = gradient;
    ctx.fillRect(x, a.top, width, bottom - a.top);
    ctx.fillStyle = '#000000';
    ctx.font = `11px ${Chart.defaults.font.family}`;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    ctx.fillText(l.num(range.max, 2), x + width + 4, a.top + 6);
    ctx.fillText(l.num(range.min, 2), x + width + 4, bottom - 6);
    if (anyDiverged) {
      ctx.fillStyle = '#888888';
      ctx.fillRect(x, a.bottom - 14, width, 14);
      ctx.fillStyle = '#000000';
      ctx.fillText(l.divergedShort, x + width + 4, a.bottom - 7);
    }
    ctx.restore();
  },
});

/** Chart.js config of the heatmap of a sweep's summary. */
export function heatmapConfig(summary: SweepSummary, lang: Language): ChartConfiguration<'matrix'> {
  const l = LABELS[lang];
  // Three significant digits without trailing zeros: 0.001, 0,0316, 10.
  const short = (t: string) => (/[.,]/.test(t) && !/e/.test(t) ? t.replace(/0+$/, '').replace(/[.,]$/, '') : t);
  const lrLabels = summary.learningRates.map((v) => short(l.num(v, 3)));
  const kLabels = summary.hiddenUnits.map(String);
  const values = summary.cells.flat().filter((v): v is number => v !== null && v > 0);
  const lo = Math.log(Math.min(...values, 1));
  const hi = Math.log(Math.max(...values, 1e-300));
  const scale = (v: number | null) => (v === null ? 0 : hi > lo ? (Math.log(v) - lo) / (hi - lo) : 0.5);
  const range: ColourScale | false = values.length > 0 ? { min: Math.exp(lo), max: Math.exp(hi) } : false;
  const anyDiverged = summary.cells.flat().some((v) => v === null);
  const cells: Cell[] = summary.learningRates.flatMap((_, i) =>
    summary.hiddenUnits.map((__, j) => ({ x: lrLabels[i], y: kLabels[j], v: summary.cells[i][j], diverged: summary.diverged[i][j], t: scale(summary.cells[i][j]) })),
  );
  return {
    type: 'matrix',
    data: {
      datasets: [
        {
          label: l.heatmapTitle,
          data: cells as never,
          backgroundColor: (ctx) => {
            const cell = ctx.raw as Cell | undefined;
            if (!cell || cell.v === null) return '#888888';
            return errorColour(cell.t);
          },
          borderColor: '#ffffff',
          borderWidth: 1,
          width: ({ chart }) => (chart.chartArea?.width ?? 0) / lrLabels.length - 1,
          height: ({ chart }) => (chart.chartArea?.height ?? 0) / kLabels.length - 1,
        },
      ],
    },
    options: {
      animation: false,
      layout: { padding: { right: SCALE_ROOM } },
      plugins: { legend: { display: false }, title: { display: true, text: l.heatmapTitle }, colourScale: range } as never,
      scales: {
        x: { type: 'category', labels: lrLabels, offset: true, title: { display: true, text: l.dt }, grid: { display: false } },
        y: { type: 'category', labels: kLabels, offset: true, reverse: true, title: { display: true, text: l.K }, grid: { display: false } },
      },
    },
    plugins: [whiteBackground as unknown as Plugin<'matrix'>, cellLabels(l), colourScale(l, anyDiverged)],
  };
}
