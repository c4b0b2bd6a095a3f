/**
 * The `cpu-workers` engine: the float64 CPU reference spread over Web Workers, one a core, each
 * taking its share of every batch (src/cpu/parallel-worker.ts). Steps stay sequential, so each
 * one costs two barriers across the workers: it pays only when batches are large.
 */
import type { Experiment } from '../experiment/config';
import { initialTheta } from '../experiment/data';
import { RunRecorder } from '../experiment/recorder';
import type { TrainOptions, TrainResult } from '../experiment/run';
import { alphaCpu } from './trainer';
import { CTL, type ParallelSetup, type WorkerMessage } from './parallel-shared';
import { release, takeWorkers } from './pool';

/** Workers the engine starts by default: one a logical core. */
export function defaultWorkers(): number {
  return Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 1);
}

/** Trains with `workers` Web Workers; same contract as the other engines. */
export async function trainCpuParallel(exp: Experiment, options: TrainOptions, workers = defaultWorkers()): Promise<TrainResult> {
  if (typeof SharedArrayBuffer === 'undefined' || !globalThis.crossOriginIsolated) {
    throw new Error(
      'The cpu-workers engine needs SharedArrayBuffer, so the page must be cross-origin isolated ' +
        '(served with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp). Use the cpu engine here.',
    );
  }
  const recorder = new RunRecorder(exp, 'cpu-workers', options, initialTheta(exp), { device: `CPU, JavaScript, float64, ${workers} Web Workers` });
  const K = exp.config.hiddenUnits;
  const alphaAt = options.alphaAt;
  const shared = (bytes: number) => new SharedArrayBuffer(Math.max(8, bytes));
  const control = shared(4 * CTL.size);
  const ctl = new Int32Array(control);
  const buffers = { control, theta: shared(8 * 3 * K), partial: shared(8 * workers * (3 * K + 2)), order: shared(4 * exp.trainPoints) };
  const pool = takeWorkers('cpu-workers', workers, () => new Worker(new URL('./parallel-worker.ts', import.meta.url), { type: 'module', name: 'cpu-workers' }));
  let clean = false;

  const abort = () => Atomics.store(ctl, CTL.abort, 1);
  options.signal?.addEventListener('abort', abort);
  try {
    await new Promise<void>((resolve, reject) => {
      let reports = Promise.resolve();
      const fail = (e: unknown) => {
        abort();
        reject(e);
      };
      let ready = 0;
      const onReady = () => {
        if (++ready < workers) return;
        recorder.trainingStarts();
        pool.forEach((w) => w.postMessage('start'));
      };
      pool.slice(1).forEach((worker) => {
        worker.onmessage = (event: MessageEvent<WorkerMessage>) => {
          if (event.data.type === 'ready') onReady();
          if (event.data.type === 'error') fail(Object.assign(new Error(event.data.message), { name: event.data.name }));
        };
      });
      pool[0].onmessage = (event: MessageEvent<WorkerMessage>) => {
        const m = event.data;
        if (m.type === 'ready') return onReady();
        if (m.type === 'error') return fail(Object.assign(new Error(m.message), { name: m.name }));
        if (m.type === 'done') return void reports.then(resolve, fail);
        reports = reports.then(async () => {
          if (options.signal?.aborted) return;
          const theta = Float64Array.from(m.theta);
          await recorder.epoch(m.epoch, m.loss, m.valLoss, theta, alphaAt ? () => alphaCpu(theta, alphaAt, exp.config.activation) : undefined);
        });
        reports.catch(fail);
      };
      pool.forEach((worker, index) => {
        worker.onerror = (e) => fail(new Error(`cpu-workers: worker ${index} failed: ${e.message}`));
        const setup: ParallelSetup = { index, workers, ...buffers };
        worker.postMessage({ config: exp.config, setup });
      });
    });
    clean = !options.signal?.aborted;
  } finally {
    options.signal?.removeEventListener('abort', abort);
    release('cpu-workers', pool, clean);
  }
  return recorder.result('completed');
}
