/** What the `cpu-workers` engine's main thread and workers share: the control words and a barrier. */

/** Indices into the shared Int32Array of control words. */
export const CTL = { count: 0, generation: 1, abort: 2, stop: 3, size: 4 } as const;

/** The shared buffers and a worker's place among them. */
export interface ParallelSetup {
  index: number;
  workers: number;
  control: SharedArrayBuffer;
  theta: SharedArrayBuffer;
  partial: SharedArrayBuffer;
  order: SharedArrayBuffer;
}

/** What a worker tells the main thread (only the leader reports epochs). */
export type WorkerMessage =
  { type: 'epoch'; epoch: number; loss: number; valLoss: number | null; theta: number[] } | { type: 'ready' } | { type: 'done' } | { type: 'error'; name: string; message: string };

/**
 * Waits until all `workers` have arrived. The last to arrive starts the next generation; the
 * others spin briefly (a step takes microseconds) and then sleep on the generation word.
 */
export function barrier(ctl: Int32Array, workers: number): void {
  if (workers === 1) return;
  const generation = Atomics.load(ctl, CTL.generation);
  if (Atomics.add(ctl, CTL.count, 1) === workers - 1) {
    Atomics.store(ctl, CTL.count, 0);
    Atomics.add(ctl, CTL.generation, 1);
    Atomics.notify(ctl, CTL.generation);
    return;
  }
  for (let spin = 0; spin < 20_000; spin++) if (Atomics.load(ctl, CTL.generation) !== generation) return;
  while (Atomics.load(ctl, CTL.generation) === generation) Atomics.wait(ctl, CTL.generation, generation, 50);
}
