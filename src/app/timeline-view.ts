/** The GPU's timeline on the page (the main run's and the sweep's): the chart and the line under it. */
import { Chart } from 'chart.js';
import type { Timeline } from '../experiment/run';
import { replaceConfig, timelineChartConfig } from '../plots/charts';
import type { Labels, Language } from '../plots/i18n';
import { $ } from './dom';

/** Dispatches in the bars, ms from the first start to the last end, and ms inside the bars. */
export function timelineSummary(t: Timeline): { dispatches: number; spanMs: number; busyMs: number } {
  return {
    dispatches: t.bars.reduce((n, b) => n + b.dispatches, 0),
    spanMs: Math.max(...t.bars.map((b) => b.endMs)) - Math.min(...t.bars.map((b) => b.startMs)),
    busyMs: t.bars.reduce((sum, b) => sum + (b.endMs - b.startMs), 0),
  };
}

/**
 * Draws `t` on the canvas `canvasId` (into `chart` if there is one; returns the chart) and writes
 * its summary, and `extra` after it, into the element `noteId`.
 */
export function drawTimelineChart(
  chart: Chart<'bar'> | null,
  canvasId: string,
  noteId: string,
  t: Timeline,
  lang: Language,
  L: Labels,
  perOpEpochDispatches: number | null,
  extra = '',
): Chart<'bar'> {
  const config = timelineChartConfig(t, lang);
  if (chart) replaceConfig(chart as unknown as Chart, config);
  else chart = new Chart($<HTMLCanvasElement>(canvasId), { ...config, options: { ...config.options, maintainAspectRatio: false } });
  const s = timelineSummary(t);
  const note = L.timelineNote(t.bars.length, s.dispatches, L.num(s.spanMs, 3), L.num(s.busyMs, 3), perOpEpochDispatches !== null, perOpEpochDispatches ?? 0);
  $(noteId).textContent = extra ? `${note} ${extra}` : note;
  return chart;
}
