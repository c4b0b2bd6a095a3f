/** A sweep on the CPU: every model of it, one after another within each epoch, float64. */
import { markDiverged, type SweepOptions, type SweepResult, type Sweep } from '../experiment/sweep';
import type { SweepWorkerEpoch, SweepWorkerTask } from './sweep-worker';
import { defaultWorkers } from './parallel';
import { yielder } from '../experiment/pause';
import { cpuDataAsync, cpuModel } from './trainer';

/** Trains every model of the sweep; a model whose loss stops being finite is marked and left. */
export async function trainSweepCpu(sweep: Sweep, options: SweepOptions): Promise<SweepResult> {
  const t0 = performance.now();
  const P = sweep.models.length;
  const pause = yielder();
  const precision = options.precision ?? 'f64';
  const data = await cpuDataAsync(sweep.base, precision, pause);
  const models = sweep.experiments.map((exp) => cpuModel(exp, data, precision));
  const divergedAt: (number | null)[] = new Array(P).fill(null);
  const loss: Float64Array[] = [];
  const valLoss: Float64Array[] = [];
  const t1 = performance.now();
  const before = models.map((m) => Float64Array.from(m.theta));
  let status: SweepResult['status'] = 'completed';
  for (let epoch = 1; epoch <= sweep.base.epochs; epoch++) {
    if (options.signal?.aborted) {
      status = 'aborted';
      break;
    }
    const l = new Float64Array(P).fill(NaN);
    const v = new Float64Array(P).fill(NaN);
    let cut = -1;
    for (let m = 0; m < P; m++) {
      if (divergedAt[m] !== null) continue;
      // Between models the page stays responsive, and a Stop ends the sweep inside the epoch.
      if (options.signal?.aborted) {
        cut = m;
        break;
      }
      before[m].set(models[m].theta);
      const r = models[m].epoch();
      l[m] = r.loss;
      v[m] = r.valLoss ?? NaN;
      await pause();
    }
    if (cut >= 0) {
      // The epoch was cut short and is not reported: the models it reached go back to its start.
      for (let m = 0; m < cut; m++) if (divergedAt[m] === null) models[m].theta.set(before[m]);
      status = 'aborted';
      break;
    }
    markDiverged(divergedAt, epoch, l, v, sweep.base.lossBound);
    loss.push(l);
    valLoss.push(v);
    await options.onEpoch?.({ epoch, loss: l, valLoss: v, divergedAt });
    await pause();
  }
  const t2 = performance.now();
  return {
    engine: 'cpu',
    loss,
    valLoss,
    divergedAt,
    thetas: models.map((m) => Float64Array.from(m.theta)),
    status,
    epochs: loss.length,
    dispatches: 0,
    timings: { setupMs: t1 - t0, trainMs: t2 - t1, totalMs: t2 - t0 },
    device: `CPU, JavaScript, ${precision === 'f32' ? 'float32 (Math.fround)' : 'float64'}, one thread`,
  };
}

/**
 * Trains the sweep on all cores: `workers` Web Workers, each training its share of the models
 * (no step waits for another, unlike cpu-workers on one model).
 */
export async function trainSweepWorkers(sweep: Sweep, options: SweepOptions, workers = defaultWorkers()): Promise<SweepResult> {
  const t0 = performance.now();
  const P = sweep.models.length;
  const n = Math.max(1, Math.min(workers, P));
  const epochs = sweep.base.epochs;
  const loss = Array.from({ length: epochs }, () => new Float64Array(P).fill(NaN));
  const valLoss = Array.from({ length: epochs }, () => new Float64Array(P).fill(NaN));
  const arrived = new Array(epochs).fill(0);
  const divergedAt: (number | null)[] = new Array(P).fill(null);
  const thetas: Float64Array[] = [];
  const pool = Array.from({ length: n }, () => new Worker(new URL('./sweep-worker.ts', import.meta.url), { type: 'module', name: 'sweep' }));
  let t1 = performance.now();
  let reported = 0;
  let ready = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      let reports = Promise.resolve();
      const stop = () => resolve();
      options.signal?.addEventListener('abort', stop);
      pool.forEach((worker, w) => {
        worker.onerror = (e) => reject(new Error(`sweep worker ${w} failed: ${e.message}`));
        worker.onmessage = (event: MessageEvent<SweepWorkerEpoch | 'ready'>) => {
          if (event.data === 'ready') {
            if (++ready < n) return;
            t1 = performance.now();
            pool.forEach((p) => p.postMessage('start'));
            return;
          }
          const { epoch, lo, loss: l, valLoss: v, thetas: t } = event.data;
          t?.forEach((theta, i) => (thetas[lo + i] = theta));
          loss[epoch - 1].set(l, lo);
          valLoss[epoch - 1].set(v, lo);
          if (++arrived[epoch - 1] < n) return;
          // Every share of this epoch is in: report it, in order.
          reports = reports.then(async () => {
            if (options.signal?.aborted) return;
            markDiverged(divergedAt, epoch, loss[epoch - 1], valLoss[epoch - 1], sweep.base.lossBound);
            reported = epoch;
            await options.onEpoch?.({ epoch, loss: loss[epoch - 1], valLoss: valLoss[epoch - 1], divergedAt });
            if (epoch === epochs) resolve();
          }, reject);
        };
        const lo = Math.floor((P * w) / n);
        const task: SweepWorkerTask = { base: sweep.base.config, models: sweep.models, lo, hi: Math.floor((P * (w + 1)) / n) };
        worker.postMessage(task);
      });
    });
  } finally {
    pool.forEach((w) => w.terminate());
  }
  const t2 = performance.now();
  return {
    engine: 'cpu-workers',
    loss: loss.slice(0, reported),
    valLoss: valLoss.slice(0, reported),
    divergedAt,
    thetas: reported === epochs ? thetas : [],
    status: reported === epochs ? 'completed' : 'aborted',
    epochs: reported,
    dispatches: 0,
    timings: { setupMs: t1 - t0, trainMs: t2 - t1, totalMs: t2 - t0 },
    device: `CPU, JavaScript, float64, ${n} Web Workers`,
  };
}
