/**
 * The page's chart worker: Chart.js draws every chart of the page here, each on the
 * OffscreenCanvas its <canvas> handed over (src/app/chart-view.ts is the page's side). A chart is
 * made once it has both data and a size (a hidden chart has no size, and costs nothing until it
 * is shown); after each drawing the worker answers with what it drew (a ChartSnapshot), so a show
 * is answered when it is drawn.
 */
import { Chart, type ChartConfiguration } from 'chart.js';
import { replaceConfig } from '../plots/charts';
import { PAGE_CHARTS, SNAPSHOT_VALUES, type ChartSnapshot, type PageChartKind } from '../plots/page-charts';
import type { ToChartWorker, FromChartWorker } from './chart-view';

interface Held {
  canvas: OffscreenCanvas;
  chart: Chart | null;
  kind: PageChartKind | null;
  config: ChartConfiguration | null;
  /** The canvas's size on the page in CSS pixels, and the screen's pixels per CSS pixel. */
  width: number;
  height: number;
  dpr: number;
  /** The last show's number, echoed back so the page knows what was drawn; the number of the one drawn. */
  seq: number;
  drawnSeq: number;
  /** PNGs asked for before the last show was drawn: made once it is. */
  pngs: number[];
}

const held = new Map<string, Held>();
const post = (m: FromChartWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);

/**
 * Draws what `h` holds if it has data and a size, and tells the page (a chart with no size yet, a
 * hidden one, is drawn when its size comes).
 */
function draw(id: string, h: Held): void {
  if (!h.config || !h.kind || h.width <= 0 || h.height <= 0) return;
  const options = { ...h.config.options, responsive: false, maintainAspectRatio: false, devicePixelRatio: h.dpr };
  if (!h.chart) {
    h.canvas.width = h.width;
    h.canvas.height = h.height;
    h.chart = new Chart(h.canvas as unknown as HTMLCanvasElement, { ...h.config, options } as ChartConfiguration);
  } else {
    if (h.chart.width !== h.width || h.chart.height !== h.height || h.chart.currentDevicePixelRatio !== h.dpr) {
      h.chart.options.devicePixelRatio = h.dpr;
      h.chart.resize(h.width, h.height);
    }
    replaceConfig(h.chart, { data: h.config.data, options });
  }
  h.drawnSeq = h.seq;
  post({ op: 'drawn', id, seq: h.seq, snapshot: snapshot(h.kind, h.chart) });
  for (const req of h.pngs.splice(0)) png(id, h, req);
}

/** Sends the chart's picture as a PNG. */
function png(id: string, h: Held, req: number): void {
  void h.canvas.convertToBlob({ type: 'image/png' }).then(
    (blob) => post({ op: 'png', id, req, blob }),
    (err: unknown) => post({ op: 'png', id, req, error: String(err) }),
  );
}

/** What a chart shows, for the page: its title, datasets, and each axis's range and tick labels. */
function snapshot(kind: PageChartKind, chart: Chart): ChartSnapshot {
  const o = chart.options as { plugins?: { title?: { text?: unknown }; legend?: { labels?: { usePointStyle?: boolean } } } };
  const axes: ChartSnapshot['axes'] = {};
  for (const [id, scale] of Object.entries(chart.scales)) {
    const title = (scale.options as { title?: { text?: unknown } }).title?.text;
    axes[id] = { title: String(title ?? ''), min: scale.min, max: scale.max, ticks: scale.ticks.map((t) => ({ value: t.value, label: String(t.label) })) };
  }
  return {
    kind,
    title: String(o.plugins?.title?.text ?? ''),
    legendPointStyle: o.plugins?.legend?.labels?.usePointStyle ?? false,
    datasets: chart.data.datasets.map((d, i) => ({
      label: String(d.label ?? ''),
      points: d.data.length,
      order: (d as { order?: number }).order ?? 0,
      pointStyle: String((d as { pointStyle?: unknown }).pointStyle ?? ''),
      visible: chart.isDatasetVisible(i),
      ...values(d.data as unknown[]),
    })),
    legend: (chart.legend?.legendItems ?? []).map((item, i) => ({
      text: item.text,
      ...(chart.legend as unknown as { legendHitBoxes: { left: number; top: number; width: number; height: number }[] }).legendHitBoxes[i],
    })),
    axes,
    colourScale: colourScaleOf(o),
  };
}

/** A heatmap's colour scale as plain numbers (Chart.js hands its options out as proxies, which postMessage cannot copy). */
function colourScaleOf(options: unknown): ChartSnapshot['colourScale'] {
  const scale = (options as { plugins?: { colourScale?: { min?: unknown; max?: unknown } | false } }).plugins?.colourScale;
  return scale && typeof scale.min === 'number' && typeof scale.max === 'number' ? { min: scale.min, max: scale.max } : null;
}

/** A dataset's x and y values, if it is short and numeric (points {x, y} or plain numbers); else null. */
function values(data: unknown[]): { xs: (number | null)[] | null; ys: (number | null)[] | null } {
  if (data.length > SNAPSHOT_VALUES) return { xs: null, ys: null };
  const num = (v: unknown) => (typeof v === 'number' ? v : null);
  const point = (p: unknown, i: number) => (typeof p === 'number' ? { x: i, y: p } : (p as { x?: unknown; y?: unknown } | null));
  return { xs: data.map((p, i) => num(point(p, i)?.x)), ys: data.map((p, i) => num(point(p, i)?.y)) };
}

self.onmessage = (e: MessageEvent<ToChartWorker>) => {
  const m = e.data;
  if (m.op === 'make') {
    held.set(m.id, { canvas: m.canvas, chart: null, kind: null, config: null, width: 0, height: 0, dpr: 1, seq: 0, drawnSeq: -1, pngs: [] });
    return;
  }
  const h = held.get(m.id);
  if (!h) return;
  try {
    switch (m.op) {
      case 'show': {
        h.kind = m.kind;
        h.config = (PAGE_CHARTS[m.kind] as (a: unknown) => ChartConfiguration)(m.data);
        h.seq = m.seq;
        draw(m.id, h);
        return;
      }
      case 'size': {
        // A hidden chart keeps its last size: it is drawn again when it is shown.
        if (m.width <= 0 || m.height <= 0) return;
        Object.assign(h, { width: m.width, height: m.height, dpr: m.dpr });
        draw(m.id, h);
        return;
      }
      case 'pointer': {
        // Tooltips and the legend's clicks: Chart.js's own handling of a DOM event, fed from the page.
        const chart = h.chart as unknown as { _eventHandler?: (e: object) => void } | null;
        chart?._eventHandler?.({ type: m.type, chart: h.chart, native: { type: m.type }, x: m.x, y: m.y });
        // A click may have hidden or shown a dataset (the legend): the page hears of it.
        if (m.type === 'click' && h.chart && h.kind) post({ op: 'drawn', id: m.id, seq: h.seq, snapshot: snapshot(h.kind, h.chart) });
        return;
      }
      case 'png': {
        // The picture of the last data shown: if that is not drawn yet, once it is.
        if (h.chart && h.drawnSeq === h.seq) png(m.id, h, m.req);
        else h.pngs.push(m.req);
        return;
      }
    }
  } catch (err) {
    post({ op: 'failed', id: m.id, seq: h.seq, message: err instanceof Error ? err.message : String(err) });
  }
};
