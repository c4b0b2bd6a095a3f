/** A sweep on the CPU: every model of it, one after another within each epoch, float64 (JavaScript or WebAssembly). */
import { notTrained, type SweepOptions, type SweepResult, type Sweep } from '../experiment/sweep';
import { nextOrders, prepareInputs, type RunInputs } from '../experiment/inputs';
import { SweepRecorder } from '../experiment/recorder';
import type { SweepWorkerEpoch, SweepWorkerTask } from './sweep-worker';
import { defaultWorkers } from './parallel';
import { release, takeWorkers } from './pool';
import { stoppable, yielder } from '../experiment/pause';
import { StoppedError } from '../errors';
import { cpuDevice, oneThreadGroups, stepsPerSlice } from './trainer';
import { valPointsPerSlice } from './model';

/** Trains every model of the sweep; a model whose loss stops being finite is marked and left. */
export async function trainSweepCpu(sweep: Sweep, options: SweepOptions): Promise<SweepResult> {
  const wasm = options.engine === 'cpu-wasm';
  const recorder = new SweepRecorder(sweep, wasm ? 'cpu-wasm' : 'cpu', options);
  // The float32 twin of the GPU's sweep is 'cpu' with precision 'f32'.
  const engine = wasm ? 'cpu-wasm' : options.precision === 'f32' ? 'cpu-f32' : 'cpu';
  const device = cpuDevice(engine);
  const P = sweep.models.length;
  const pause = yielder();
  // A Stop while the inputs or the models are made ends the sweep there, before its first epoch.
  let inputs: RunInputs;
  let groups: Awaited<ReturnType<typeof oneThreadGroups>>;
  try {
    const stop = stoppable(pause, options.signal);
    inputs = await prepareInputs(sweep.base, sweep.experiments, stop, recorder.phases);
    recorder.phases.enter('compiling');
    groups = await oneThreadGroups(engine, sweep.experiments, inputs.data, inputs.thetas, inputs.orderIndex, stop);
  } catch (e) {
    if (e instanceof StoppedError) return recorder.result(notTrained(sweep), { device });
    throw e;
  }
  const thetas: Float64Array[] = [];
  for (const group of groups) group.members.forEach((m, i) => (thetas[m] = group.thetas[i]));
  const { divergedAt } = recorder;
  const before = thetas.map((theta) => Float64Array.from(theta));
  recorder.trainingStarts();
  for (let epoch = 1; epoch <= sweep.base.epochs && !options.signal?.aborted; epoch++) {
    // One order a seed, shared by its models (made in slices: a Stop meanwhile ends the sweep before this epoch).
    let orders: Awaited<ReturnType<typeof nextOrders>>;
    try {
      orders = await nextOrders(inputs);
    } catch (e) {
      if (e instanceof StoppedError) break;
      throw e;
    }
    const l = new Float64Array(P).fill(NaN);
    const v = new Float64Array(P).fill(NaN);
    // The models this epoch has reached, until a Stop cuts it short.
    const reached: number[] = [];
    let cut = false;
    for (const group of groups) {
      const live = group.members.map((m) => divergedAt[m] === null);
      if (!live.includes(true)) continue;
      // Between groups the page stays responsive, and a Stop ends the sweep inside the epoch.
      if (options.signal?.aborted) {
        cut = true;
        break;
      }
      for (const m of group.members) {
        before[m].set(thetas[m]);
        reached.push(m);
      }
      // A long epoch runs in slices, as a single run's does: the page keeps its turn, and a Stop
      // inside it ends the sweep there.
      const exp = sweep.experiments[group.members[0]];
      group.beginEpoch(orders[inputs.orderIndex[group.members[0]]], live);
      const slice = stepsPerSlice(exp);
      for (let from = 0; from < exp.stepsPerEpoch && !options.signal?.aborted; from += slice) {
        group.steps(from, Math.min(from + slice, exp.stepsPerEpoch));
        await pause();
      }
      const valSlice = valPointsPerSlice(exp);
      for (let from = 0; from < exp.valPoints && !options.signal?.aborted; from += valSlice) {
        group.validate(from, Math.min(from + valSlice, exp.valPoints));
        await pause();
      }
      if (options.signal?.aborted) {
        cut = true;
        break;
      }
      group.endEpoch().forEach((r, i) => {
        if (!live[i]) return;
        l[group.members[i]] = r.loss;
        v[group.members[i]] = r.valLoss ?? NaN;
      });
      await pause();
    }
    if (cut) {
      // The epoch was cut short and is not reported: the models it reached go back to its start.
      for (const m of reached) thetas[m].set(before[m]);
      break;
    }
    await recorder.epoch(epoch, l, v);
    await pause();
  }
  return recorder.result(
    thetas.map((theta) => Float64Array.from(theta)),
    { device },
  );
}

/**
 * Trains the sweep on all cores: `workers` Web Workers, each training its share of the models
 * (no step waits for another, unlike cpu-workers on one model).
 */
export async function trainSweepWorkers(sweep: Sweep, options: SweepOptions, workers = defaultWorkers()): Promise<SweepResult> {
  const recorder = new SweepRecorder(sweep, 'cpu-workers', options);
  const P = sweep.models.length;
  const n = Math.max(1, Math.min(workers, P));
  const epochs = sweep.base.epochs;
  // The workers' shares of each epoch, gathered until every share is in.
  const loss = Array.from({ length: epochs }, () => new Float64Array(P).fill(NaN));
  const valLoss = Array.from({ length: epochs }, () => new Float64Array(P).fill(NaN));
  const arrived = new Array(epochs).fill(0);
  const thetas: Float64Array[] = [];
  const pool = takeWorkers('sweep', n, () => new Worker(new URL('./sweep-worker.ts', import.meta.url), { type: 'module', name: 'sweep' }));
  let clean = false;
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
            recorder.trainingStarts();
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
            await recorder.epoch(epoch, loss[epoch - 1], valLoss[epoch - 1]);
            if (epoch === epochs) resolve();
          }, reject);
        };
        const lo = Math.floor((P * w) / n);
        const task: SweepWorkerTask = { base: sweep.base.config, models: sweep.models, lo, hi: Math.floor((P * (w + 1)) / n) };
        worker.postMessage(task);
      });
    });
    clean = recorder.loss.length === epochs;
  } finally {
    release('sweep', pool, clean);
  }
  // The workers send their thetas with the last epoch only: a stopped sweep has none.
  return recorder.result(recorder.loss.length === epochs ? thetas : [], { device: `CPU, JavaScript, float64, ${n} Web Workers` });
}
