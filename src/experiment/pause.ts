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

/** `pause`, then a StoppedError if `signal` is aborted: long preparation in slices ends at its next slice after a Stop. */
export function stoppable(pause: () => Promise<void>, signal?: AbortSignal): () => Promise<void> {
  return async () => {
    await pause();
    if (signal?.aborted) throw new StoppedError('stopped');
  };
}
