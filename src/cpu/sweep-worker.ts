/** One worker of a sweep on all cores: it trains its share of the models, epoch by epoch. */
import { prepareSweep, type ModelSpec } from '../experiment/sweep';
import type { ExperimentConfig } from '../experiment/config';
import { cpuModel } from './trainer';
import { nextOrders, prepareInputs } from '../experiment/inputs';
import { isDiverged } from '../experiment/run';
import { loadTarget } from '../experiment/targets';

/** What the main thread sends: the sweep and this worker's share [lo, hi). */
export interface SweepWorkerTask {
  base: Partial<ExperimentConfig>;
  models: ModelSpec[];
  lo: number;
  hi: number;
}

/** An epoch of the worker's share: losses by model, NaN once a model diverged; thetas after the last. */
export interface SweepWorkerEpoch {
  epoch: number;
  lo: number;
  loss: Float64Array;
  valLoss: Float64Array;
  thetas?: Float64Array[];
}

// First message: the task, answered with 'ready' once the data and models are made; second:
// 'start'. The setup stays out of the engine's training time, as on the other engines. The
// worker is kept for the next sweep (pool.ts), so a sweep's models are let go of once it has run.
let start: (() => Promise<void>) | null = null;
self.onmessage = async (event: MessageEvent<SweepWorkerTask | 'start'>) => {
  if (event.data === 'start') {
    const run = start;
    start = null;
    return run?.();
  }
  start = await prepare(event.data);
  (self as unknown as Worker).postMessage('ready');
};

async function prepare({ base, models, lo, hi }: SweepWorkerTask): Promise<() => Promise<void>> {
  await loadTarget(base);
  const sweep = prepareSweep(base, models);
  const experiments = sweep.experiments.slice(lo, hi);
  // A worker has no page to keep responsive: no pauses.
  const inputs = await prepareInputs(sweep.base, experiments, async () => {});
  const mine = experiments.map((exp, i) => cpuModel(exp, inputs.data, 'f64', inputs.thetas[i]));
  const alive = mine.map(() => true);
  return async () => {
    for (let epoch = 1; epoch <= sweep.base.epochs; epoch++) {
      const orders = await nextOrders(inputs);
      const loss = new Float64Array(mine.length).fill(NaN);
      const valLoss = new Float64Array(mine.length).fill(NaN);
      mine.forEach((model, i) => {
        if (!alive[i]) return;
        const r = model.epoch(orders[inputs.orderIndex[i]]);
        loss[i] = r.loss;
        valLoss[i] = r.valLoss ?? NaN;
        alive[i] = !isDiverged(r.loss, sweep.base.lossBound);
      });
      const last = epoch === sweep.base.epochs;
      const message: SweepWorkerEpoch = { epoch, lo, loss, valLoss, thetas: last ? mine.map((m) => Float64Array.from(m.theta)) : undefined };
      (self as unknown as Worker).postMessage(message, [loss.buffer, valLoss.buffer]);
    }
  };
}
