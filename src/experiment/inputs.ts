/**
 * What every engine trains from, made in one place before its first step: the data (numpy's draws,
 * Keras's split), each model's initial theta, and the per-epoch visiting orders. Models with the
 * same init seed visit the points in the same order, so a sweep makes one order an epoch per seed,
 * not one per model. Everything is made in slices with `pause` between them: at 10^7 points the
 * data and each order are most of a second of work, and a page must stay responsive and see a Stop.
 */
import type { Experiment } from './config';
import { epochOrdersAsync, initialThetas, makeDatasetAsync, type Dataset } from './data';
import type { PhaseClock } from './phases';

/** An engine's inputs (see the module's comment). */
export interface RunInputs {
  data: Dataset;
  /** Each model's initial theta (K x 3, rows [v, w, b]), float64. */
  thetas: Float64Array[];
  /** One stream of visiting orders per distinct init seed: each call makes the next epoch's. */
  orders: (() => Promise<Uint32Array<ArrayBuffer>>)[];
  /** Model m visits the points in the order of orders[orderIndex[m]]. */
  orderIndex: number[];
}

/**
 * The inputs of `experiments` (one run: `[base]`; a sweep: its models), which share base's data.
 * `pause` runs between slices; a stoppable pause (pause.ts) ends the preparation, or an order, at a Stop.
 * `phases` (the run's recorder's) is told when the data and when the thetas are made.
 */
export async function prepareInputs(base: Experiment, experiments: readonly Experiment[], pause: () => Promise<void>, phases?: PhaseClock): Promise<RunInputs> {
  phases?.enter('data');
  const data = await makeDatasetAsync(base, pause);
  const streamOfSeed = new Map<number, number>();
  const orders: RunInputs['orders'] = [];
  const orderIndex = experiments.map((exp) => {
    const seed = exp.config.initSeed;
    if (!streamOfSeed.has(seed)) {
      streamOfSeed.set(seed, orders.length);
      orders.push(epochOrdersAsync(exp, pause));
    }
    return streamOfSeed.get(seed)!;
  });
  phases?.enter('thetas');
  return { data, thetas: await initialThetas(experiments, pause), orders, orderIndex };
}

/** The next epoch's order of every stream, in stream order. */
export function nextOrders(inputs: Pick<RunInputs, 'orders'>): Promise<Uint32Array<ArrayBuffer>[]> {
  return Promise.all(inputs.orders.map((next) => next()));
}
