/**
 * The competitor, in the same browser page: TensorFlow.js 4.22's Keras API (`tf.sequential`,
 * `model.fit`) training the lecture's network on its `webgpu` or `cpu` backend, for the
 * benchmark's rows. The model is the lecture's: Dense(K, sigmoid) then Dense(1, no bias), SGD,
 * mean squared error, the same batch size and validation split; it starts from our initial theta
 * and sees our visiting order each epoch (fit one epoch at a time, shuffle off), so its history
 * can be checked against our float32 reference before its time counts.
 *
 * Loaded only when the benchmark asks (a dynamic import from runner.ts): the page never needs it.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgpu';
import * as tfl from '@tensorflow/tfjs-layers';
import type { ExperimentConfig } from '../experiment/config';
import { prepareExperiment } from '../experiment/config';
import { epochOrders, initialTheta, makeDataset } from '../experiment/data';

/** What a TensorFlow.js run gives the benchmark. */
export interface TfjsRun {
  backend: string;
  /** Wall time of each epoch trained, ms (the first after a warm-up that compiled its kernels). */
  epochMs: number[];
  loss: number[];
  valLoss: number[];
  /** The epochs the experiment has in all (what the timed ones are scaled to). */
  epochsInRun: number;
  version: string;
}

/** The lecture's model in Keras's layers, with theta = rows [v, w, b] as its weights. */
function lectureModel(K: number, learningRate: number, theta: Float64Array | null): tfl.Sequential {
  const model = tfl.sequential({
    layers: [tfl.layers.dense({ units: K, activation: 'sigmoid', inputShape: [1] }), tfl.layers.dense({ units: 1, useBias: false })],
  });
  model.compile({ optimizer: tf.train.sgd(learningRate), loss: 'meanSquaredError' });
  if (theta) {
    const col = (c: number) => Float32Array.from({ length: K }, (_, k) => theta[3 * k + c]);
    // Keras's get_weights() order: hidden kernel 1 x K, hidden bias K, output kernel K x 1.
    model.setWeights([tf.tensor2d(col(1), [1, K]), tf.tensor1d(col(2)), tf.tensor2d(col(0), [K, 1])]);
  }
  return model;
}

/** Trains `epochs` epochs of the config's experiment with TensorFlow.js on `backend`. */
export async function tfjsTrain(config: Partial<ExperimentConfig>, backend: 'webgpu' | 'cpu', epochs: number): Promise<TfjsRun> {
  if (!(await tf.setBackend(backend))) throw new Error(`TensorFlow.js could not start its ${backend} backend here`);
  await tf.ready();
  const exp = prepareExperiment(config);
  const { hiddenUnits: K, learningRate, batchSize, validationSplit } = exp.config;
  const data = makeDataset(exp);
  const next = epochOrders(exp);
  const run = Math.min(epochs, exp.epochs);

  // A warm-up on a few points compiles the backend's kernels for these shapes.
  const warm = lectureModel(K, learningRate, null);
  const few = Math.min(16, exp.config.points);
  await warm.fit(tf.tensor2d(Float32Array.from(data.xTrain.subarray(0, few)), [few, 1]), tf.tensor2d(Float32Array.from(data.yTrain.subarray(0, few)), [few, 1]), {
    batchSize,
    epochs: 1,
    shuffle: false,
    verbose: 0,
  });
  warm.dispose();

  const model = lectureModel(K, learningRate, initialTheta(exp));
  const out: TfjsRun = { backend: tf.getBackend(), epochMs: [], loss: [], valLoss: [], epochsInRun: exp.epochs, version: tf.version_core };
  for (let e = 0; e < run; e++) {
    const order = next();
    const n = exp.config.points;
    const xs = new Float32Array(n);
    const ys = new Float32Array(n);
    order.forEach((i, j) => {
      xs[j] = data.xTrain[i];
      ys[j] = data.yTrain[i];
    });
    xs.set(data.xVal, exp.trainPoints);
    ys.set(data.yVal, exp.trainPoints);
    const x = tf.tensor2d(xs, [n, 1]);
    const y = tf.tensor2d(ys, [n, 1]);
    const t0 = performance.now();
    const h = await model.fit(x, y, { batchSize, epochs: 1, shuffle: false, validationSplit, verbose: 0 });
    out.epochMs.push(performance.now() - t0);
    out.loss.push(Number(h.history.loss[0]));
    out.valLoss.push(validationSplit > 0 ? Number(h.history.val_loss[0]) : NaN);
    x.dispose();
    y.dispose();
  }
  model.dispose();
  return out;
}
