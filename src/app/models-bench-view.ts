/**
 * "How many models a second?": P = 1, 64, 1024, 16384 models (or the link's benchModels=...) on
 * every sweep engine the page has, with the command line's own benchmark code (src/bench/rows.ts):
 * each engine warmed up, then timed, every model checked against one CPU thread's sweep first.
 */
import { benchModels, modelsWorkload, type RunSweep } from '../bench/rows';
import { finiteOrNull, sweepFromAxes, type SweepEngine } from '../experiment/sweep';
import type { Labels } from '../plots/i18n';
import { trainSweep } from '../train';
import { $ } from './dom';

/** What the benchmark needs from the sweep view. */
export interface ModelsBenchHost {
  engines: () => SweepEngine[];
  name: (e: SweepEngine) => string;
  L: () => Labels;
  initialQuery: string;
  /** Marks the sweep view busy (or free) while the benchmark runs. */
  busy: (on: boolean) => void;
  isBusy: () => boolean;
}

/** Wires the benchmark's button; its rows go to window.webgpuSgdPage.modelsBench as they come. */
export function setupModelsBench(host: ModelsBenchHost): void {
  const benchButton = $<HTMLButtonElement>('models-bench');
  benchButton.addEventListener('click', async () => {
    if (host.isBusy()) return;
    const Ps = new URLSearchParams(host.initialQuery).get('benchModels')?.split(',').map(Number) ?? [1, 64, 1024, 16384];
    const engines = host.engines();
    const benchStatus = $('models-bench-status');
    const table = $<HTMLTableElement>('models-bench-table');
    benchButton.disabled = true;
    host.busy(true);
    const rows: Record<number, Record<string, { rate: number | null; ok: boolean }>> = {};
    // The command line's benchmark itself (src/bench/rows.ts), on this page's engines: each engine
    // warmed up, then timed, every model checked against one CPU thread's sweep first.
    const runSweep: RunSweep = async (config, text, seeds, engine) => {
      try {
        const r = await trainSweep(sweepFromAxes(config, text, seeds), { engine });
        return {
          loss: r.loss.map(finiteOrNull),
          valLoss: r.valLoss.map(finiteOrNull),
          divergedAt: r.divergedAt,
          timings: r.timings,
          dispatches: r.dispatches,
          device: r.device,
          kernel: r.kernel,
        };
      } catch (e) {
        return { error: `${(e as Error).name}: ${(e as Error).message}` };
      }
    };
    try {
      for (const P of Ps) {
        benchStatus.textContent = host.L().modelsBenchRunning(P, engines.map(host.name).join(', '));
        const timed = await benchModels(modelsWorkload(P), engines, runSweep, 1);
        rows[P] = Object.fromEntries(timed.map((r) => [r.engine, { rate: r.check.ok ? r.modelsPerSecond : null, ok: r.check.ok }]));
        drawBenchTable(
          table,
          Ps.filter((p) => rows[p]),
          engines,
          rows,
          host.name,
          host.L(),
        );
      }
      benchStatus.textContent = host.L().modelsBenchDone;
      window.webgpuSgdPage.modelsBench = rows;
    } catch (err) {
      benchStatus.textContent = `${host.L().failed} ${(err as Error).message}`;
    } finally {
      host.busy(false);
      benchButton.disabled = false;
    }
  });
}

/** The benchmark's table: a row per P, models per second per engine with the ratio to one CPU thread. */
function drawBenchTable(
  table: HTMLTableElement,
  Ps: number[],
  engines: SweepEngine[],
  rows: Record<number, Record<string, { rate: number | null; ok: boolean }>>,
  name: (e: SweepEngine) => string,
  L: Labels,
): void {
  const cell = (tag: 'th' | 'td', text: string) => {
    const c = document.createElement(tag);
    c.textContent = text;
    return c;
  };
  const head = document.createElement('tr');
  head.append(cell('th', L.modelsBenchP), ...engines.map((e) => cell('th', name(e))));
  const body = Ps.map((P) => {
    const tr = document.createElement('tr');
    const cpu = rows[P].cpu?.rate ?? null;
    tr.append(
      cell('td', L.int(P)),
      ...engines.map((e) => {
        const r = rows[P][e];
        if (!r) return cell('td', '…');
        if (!r.ok || r.rate === null) return cell('td', L.modelsBenchDisagree);
        return cell('td', `${L.int(r.rate)}/s${e !== 'cpu' && cpu ? ` (${L.num(r.rate / cpu, 3)}x)` : ''}`);
      }),
    );
    return tr;
  });
  table.replaceChildren(head, ...body);
  table.hidden = false;
}
