/** A sweep on the CPU: every model of it, one after another within each epoch, float64. */
import type { ManyOptions, ManyResult, Sweep } from '../experiment/sweep';
import { cpuData, cpuModel, yielder } from './trainer';

/** Trains every model of the sweep; a model whose loss stops being finite is marked and left. */
export async function trainManyCpu(sweep: Sweep, options: ManyOptions): Promise<ManyResult> {
  const t0 = performance.now();
  const P = sweep.models.length;
  const data = cpuData(sweep.base, 'f64');
  const models = sweep.experiments.map((exp) => cpuModel(exp, data, 'f64'));
  const divergedAt: (number | null)[] = new Array(P).fill(null);
  const loss: Float64Array[] = [];
  const valLoss: Float64Array[] = [];
  const t1 = performance.now();
  const pause = yielder();
  let status: ManyResult['status'] = 'completed';
  for (let epoch = 1; epoch <= sweep.base.epochs; epoch++) {
    if (options.signal?.aborted) {
      status = 'aborted';
      break;
    }
    const l = new Float64Array(P).fill(NaN);
    const v = new Float64Array(P).fill(NaN);
    for (let m = 0; m < P; m++) {
      if (divergedAt[m] !== null) continue;
      const r = models[m].epoch();
      l[m] = r.loss;
      v[m] = r.valLoss ?? NaN;
      if (!Number.isFinite(r.loss)) divergedAt[m] = epoch;
    }
    loss.push(l);
    valLoss.push(v);
    await options.onEpoch?.({ epoch, loss: l, valLoss: v });
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
    device: 'CPU, JavaScript, float64, one thread',
  };
}
