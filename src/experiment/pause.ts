/** Giving the event loop its turn during long work, so a page stays responsive and a Stop is seen. */
import { StoppedError } from '../errors';

/** Lets the event loop run every ~30 ms, so a page stays responsive and a Stop is seen, without a timer per epoch. */
export function yielder(): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last <= 30) return;
    await new Promise((r) => setTimeout(r, 0));
    last = performance.now();
  };
}

/**
 * `make` of each item in order, with `pause` before every `every`-th after the first slice:
 * thousands of a sweep's models made without one long task (16,384 made at once were a task of
 * 0.15-0.4 s on a page).
 */
export async function mapInSlices<T, U>(items: readonly T[], every: number, pause: () => Promise<void>, make: (item: T, i: number) => U): Promise<U[]> {
  const out: U[] = [];
  for (const [i, item] of items.entries()) {
    if (i % every === every - 1) await pause();
    out.push(make(item, i));
  }
  return out;
}

/** `pause`, then a StoppedError if `signal` is aborted: long preparation in slices ends at its next slice after a Stop. */
export function stoppable(pause: () => Promise<void>, signal?: AbortSignal): () => Promise<void> {
  return async () => {
    await pause();
    if (signal?.aborted) throw new StoppedError('stopped');
  };
}

/**
 * `work`, or a StoppedError as soon as `signal` aborts, whichever comes first. The work itself goes
 * on unseen: for a calibration shared by every run of a shape, which is kept for the next one.
 */
export function unlessStopped<T>(work: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(new StoppedError('stopped'));
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(new StoppedError('stopped'));
    signal.addEventListener('abort', stop, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
  });
}
