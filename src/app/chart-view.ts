/**
 * The page's side of its charts. Chart.js draws them in a worker (chart-worker.ts), each on the
 * OffscreenCanvas its <canvas> hands over, so that making and redrawing a chart never blocks the
 * page: on a 2-core machine Chart.js's first chart was 50-80 ms in one piece, the page's longest
 * start-up task, and a run redrew three charts an epoch. The page posts a chart's kind and data
 * (ChartView.show); the worker builds the config (src/plots/page-charts.ts), draws it, and answers
 * with what it drew (a ChartSnapshot, which the page's tests read). At most one drawing of a
 * chart is in flight: data shown meanwhile waits, and only the latest is sent. Sizes follow the
 * canvas's box (a ResizeObserver); the pointer's moves and clicks go to the worker, for tooltips
 * and the legend.
 */
import type { ChartSnapshot, PageChartData, PageChartKind } from '../plots/page-charts';
import { $ } from './dom';

/** What the page posts to the chart worker. */
export type ToChartWorker =
  | { op: 'make'; id: string; canvas: OffscreenCanvas }
  | { op: 'show'; id: string; seq: number; kind: PageChartKind; data: unknown }
  | { op: 'size'; id: string; width: number; height: number; dpr: number }
  | { op: 'pointer'; id: string; type: 'mousemove' | 'mouseout' | 'click'; x: number; y: number }
  | { op: 'png'; id: string; req: number };

/** What the chart worker answers. */
export type FromChartWorker =
  | { op: 'drawn'; id: string; seq: number; snapshot: ChartSnapshot }
  | { op: 'png'; id: string; req: number; blob?: Blob; error?: string }
  | { op: 'failed'; id: string; seq: number; message: string };

let worker: Worker | null = null;
/** Every chart view of the page, by its canvas's id (also the worker's name for the chart). */
const views = new Map<string, ChartView>();
const pngWaiting = new Map<number, { resolve: (b: Blob) => void; reject: (e: Error) => void }>();
let nextPng = 0;

/** The one chart worker, started with the first chart shown. */
function chartWorker(): Worker {
  if (worker) return worker;
  worker = new Worker(new URL('./chart-worker.ts', import.meta.url), { type: 'module', name: 'charts' });
  worker.onmessage = (e: MessageEvent<FromChartWorker>) => {
    const m = e.data;
    if (m.op === 'png') {
      const w = pngWaiting.get(m.req);
      pngWaiting.delete(m.req);
      if (m.blob) w?.resolve(m.blob);
      else w?.reject(new Error(`the chart could not be saved: ${m.error}`));
      return;
    }
    views.get(m.id)?.answered(m);
  };
  worker.onerror = (e) => console.warn('chart worker', e.message);
  return worker;
}

/** Draws waiting for the next frame (drawnOncePerFrame). */
let framesWaiting = 0;

/** A chart of the page, drawn in the chart worker on the canvas with this id. */
export class ChartView {
  /** What the worker last drew (null until it has drawn: a hidden chart is drawn when it is shown). */
  snapshot: ChartSnapshot | null = null;
  private started = false;
  private seq = 0;
  /** A show sent and not yet answered, and the latest one waiting for it. */
  private inFlight = false;
  private waiting: { kind: PageChartKind; data: unknown } | null = null;
  /** drawn()'s callers, told when the chart has drawn all it was shown. */
  private whenDrawn: ((at: number) => void)[] = [];

  constructor(readonly canvasId: string) {
    views.set(canvasId, this);
  }

  /** Draws `kind` of chart with `data` (posted to the worker; drawn there when it has a size). */
  show<K extends PageChartKind>(kind: K, data: PageChartData<K>): void {
    this.waiting = { kind, data };
    this.start();
    this.send();
  }

  /** Nothing waiting or in flight (the snapshot is of the last data shown), or the chart is hidden (it is drawn when shown). */
  get settled(): boolean {
    return (!this.inFlight && this.waiting === null) || !$(this.canvasId).checkVisibility();
  }

  /** Resolves with the time (performance.now) at which the worker has drawn all the chart was shown so far. */
  drawn(): Promise<number> {
    return new Promise((resolve) => this.whenDrawn.push(resolve));
  }

  /** The chart as a PNG, with the last data shown (once that is drawn). */
  png(): Promise<Blob> {
    const req = nextPng++;
    return new Promise((resolve, reject) => {
      pngWaiting.set(req, { resolve, reject });
      this.post({ op: 'png', id: this.canvasId, req });
    });
  }

  /** The worker's answer to a show (or a redraw after a resize). */
  answered(m: Extract<FromChartWorker, { id: string; seq: number }>): void {
    if (m.op === 'failed') {
      console.warn(`chart ${this.canvasId}:`, m.message);
    } else this.snapshot = m.snapshot;
    if (m.seq === this.seq) {
      this.inFlight = false;
      this.send();
    }
    if (!this.inFlight && !this.waiting) for (const resolve of this.whenDrawn.splice(0)) resolve(performance.now());
  }

  private send(): void {
    if (this.inFlight || !this.waiting) return;
    const { kind, data } = this.waiting;
    this.waiting = null;
    this.inFlight = true;
    this.post({ op: 'show', id: this.canvasId, seq: ++this.seq, kind, data });
  }

  private post(m: ToChartWorker, transfer: Transferable[] = []): void {
    chartWorker().postMessage(m, transfer);
  }

  /** Hands the canvas to the worker, and follows its size and the pointer over it. */
  private start(): void {
    if (this.started) return;
    this.started = true;
    const canvas = $<HTMLCanvasElement>(this.canvasId);
    const offscreen = canvas.transferControlToOffscreen();
    this.post({ op: 'make', id: this.canvasId, canvas: offscreen }, [offscreen]);
    // The observer reports the box after layout, without forcing one.
    new ResizeObserver(([entry]) => {
      const { width, height } = entry.contentRect;
      this.post({ op: 'size', id: this.canvasId, width: Math.floor(width), height: Math.floor(height), dpr: devicePixelRatio });
    }).observe(canvas);
    const pointer = (type: 'mousemove' | 'mouseout' | 'click') => (e: MouseEvent) => this.post({ op: 'pointer', id: this.canvasId, type, x: e.offsetX, y: e.offsetY });
    canvas.addEventListener('mousemove', pointer('mousemove'));
    canvas.addEventListener('mouseout', pointer('mouseout'));
    canvas.addEventListener('click', pointer('click'));
  }
}

/** No draw waits for a frame, and every chart has drawn the last data it was shown: the snapshots are current. */
export const chartsSettled = (): boolean => framesWaiting === 0 && [...views.values()].every((v) => v.settled);

/** The chart drawn on the canvas with this id, if the page has one. */
export const chartOn = (canvasId: string): ChartView | undefined => views.get(canvasId);

/**
 * `draw` at most once a frame, with the latest arguments, however often the returned function is
 * called (after every epoch, say): what it posts to the charts is computed once a frame.
 */
export function drawnOncePerFrame<A extends unknown[]>(draw: (...args: A) => void): (...args: A) => void {
  let latest: A | null = null;
  return (...args: A) => {
    if (latest === null) {
      framesWaiting++;
      requestAnimationFrame(() => {
        const a = latest!;
        latest = null;
        framesWaiting--;
        draw(...a);
      });
    }
    latest = args;
  };
}
