/**
 * One worker of the `cpu-workers` engine: data-parallel SGD over the batch. Every worker takes
 * its share of each step's points and writes the gradient of its share to shared memory; the
 * leader (worker 0) combines them, updates theta, keeps the epoch's loss and reports it.
 */
import { prepareExperiment, type ExperimentConfig } from '../experiment/config';
import { epochOrders, initialTheta, makeDataset } from '../experiment/data';
import { loadTarget } from '../experiment/targets';
import { activationCode } from '../experiment/activation';
import { forward, mseGrad } from '../kernels/perop/twin';
import { barrier, CTL, type ParallelSetup, type WorkerMessage } from './parallel-shared';

const post = (m: WorkerMessage) => (self as unknown as Worker).postMessage(m);

// First message: the config and shared buffers (answered with 'ready' once the data is made);
// second: start. Setup stays out of the engine's training time, as on the other engines. The
// worker is kept for the next run (pool.ts), so a run's data is let go of once it has run.
let start: (() => void) | null = null;
self.onmessage = async (event: MessageEvent<{ config: ExperimentConfig; setup: ParallelSetup } | 'start'>) => {
  try {
    if (event.data === 'start') {
      const run = start;
      start = null;
      run?.();
    } else {
      await loadTarget(event.data.config);
      start = prepare(event.data.config, event.data.setup);
      post({ type: 'ready' });
    }
  } catch (e) {
    post({ type: 'error', name: (e as Error).name, message: (e as Error).message });
  }
};

/** Makes the worker's data and buffers; returns the training loop. */
function prepare(config: ExperimentConfig, setup: ParallelSetup): () => void {
  const { index, workers } = setup;
  const exp = prepareExperiment(config);
  const { trainPoints: n, valPoints, epochs, stepsPerEpoch } = exp;
  const K = config.hiddenUnits;
  const B = config.batchSize;
  const data = makeDataset(exp);
  const ctl = new Int32Array(setup.control);
  const theta = new Float64Array(setup.theta);
  const order = new Uint32Array(setup.order);
  // Per worker: its share's gradient (3K), then the share's size and its sum of squared errors.
  const stride = 3 * K + 2;
  const partial = new Float64Array(setup.partial);
  // Every worker's part, made once: a step allocates nothing.
  const parts = Array.from({ length: workers }, (_, w) => partial.subarray(w * stride, (w + 1) * stride));
  const mine = parts[index];
  const leader = index === 0;
  const nextOrder = leader ? epochOrders(exp) : null;
  if (leader) theta.set(initialTheta(exp));
  const hidden = new Float64Array(Math.ceil(B / workers) * K + K);
  const alpha = new Float64Array(Math.max(Math.ceil(B / workers) + 1, leader ? valPoints : 0));
  const grad = new Float64Array(3 * K);
  const learningRate = config.learningRate;
  const act = activationCode(config.activation);

  return () => {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      if (leader) {
        if (Atomics.load(ctl, CTL.abort) !== 0) Atomics.store(ctl, CTL.stop, 1);
        else order.set(nextOrder!());
      }
      barrier(ctl, workers);
      if (Atomics.load(ctl, CTL.stop) !== 0) break;
      let lossSum = 0;
      for (let step = 0; step < stepsPerEpoch; step++) {
        const first = step * B;
        const count = Math.min(B, n - first);
        const lo = first + Math.floor((count * index) / workers);
        const share = first + Math.floor((count * (index + 1)) / workers) - lo;
        if (share > 0) {
          forward(K, lo, share, theta, data.xTrain, order, hidden, alpha, 'f64', act);
          mine[3 * K + 1] = mseGrad(K, lo, share, theta, data.xTrain, data.yTrain, order, hidden, alpha, grad, 'f64', act);
          mine.set(grad);
        } else {
          mine.fill(0);
        }
        mine[3 * K] = share;
        barrier(ctl, workers);
        if (leader) {
          // Each share's gradient is (2 / share) sum over it; the batch's is the share-weighted mean.
          for (let w = 0; w < workers; w++) {
            const p = parts[w];
            const weight = p[3 * K] / count;
            lossSum += p[3 * K + 1];
            if (weight === 0) continue;
            for (let i = 0; i < 3 * K; i++) theta[i] -= learningRate * weight * p[i];
          }
        }
        barrier(ctl, workers);
      }
      if (leader) {
        const loss = lossSum / n;
        let valLoss: number | null = null;
        if (valPoints > 0) {
          forward(K, 0, valPoints, theta, data.xVal, null, null, alpha, 'f64', act);
          valLoss = mseGrad(K, 0, valPoints, theta, data.xVal, data.yVal, null, null, alpha, null, 'f64', act) / valPoints;
        }
        post({ type: 'epoch', epoch, loss, valLoss, theta: [...theta] });
        if (!Number.isFinite(loss)) Atomics.store(ctl, CTL.abort, 1);
      }
    }
    if (leader) post({ type: 'done' });
  };
}
