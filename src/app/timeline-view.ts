/** The GPU's timeline on the page (the main run's and the sweep's): the chart and the line under it. */
import type { Timeline } from '../experiment/run';
import type { Labels, Language } from '../plots/i18n';
import type { ChartView } from './chart-view';
import { $ } from './dom';

/** Dispatches in the bars, ms from the first start to the last end, and ms inside the bars. */
export function timelineSummary(t: Timeline): { dispatches: number; spanMs: number; busyMs: number } {
  return {
    dispatches: t.bars.reduce((n, b) => n + b.dispatches, 0),
    spanMs: Math.max(...t.bars.map((b) => b.endMs)) - Math.min(...t.bars.map((b) => b.startMs)),
    busyMs: t.bars.reduce((sum, b) => sum + (b.endMs - b.startMs), 0),
  };
}

/** Draws `t` on `chart` and writes its summary, and `extra` after it, into the element `noteId`. */
export function drawTimelineChart(chart: ChartView, noteId: string, t: Timeline, lang: Language, L: Labels, perOpEpochDispatches: number | null, extra = ''): void {
  chart.show('timeline', { timeline: t, lang });
  const s = timelineSummary(t);
  const note = L.timelineNote(t.bars.length, s.dispatches, L.num(s.spanMs, 3), L.num(s.busyMs, 3), perOpEpochDispatches !== null, perOpEpochDispatches ?? 0);
  $(noteId).textContent = extra ? `${note} ${extra}` : note;
}
