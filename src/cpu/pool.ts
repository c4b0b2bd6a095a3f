/**
 * Web Workers kept between runs, one idle set per kind (the cpu-workers engine's, a sweep's): a
 * run takes the workers it needs (starting only those the set lacks) and gives them back when it
 * ends cleanly, so a second run starts no worker and loads no module. A run that is stopped or
 * fails terminates its workers instead: they may be mid-epoch, and a fresh one is cheaper than
 * waiting for them.
 */

const idle = new Map<string, Worker[]>();

/** Ever started, by kind (for the tests: a second run must start none). */
export const started = new Map<string, number>();

/** `n` workers of a kind, idle ones first; `make` starts one (vite needs `new Worker(new URL(...))` written where the script is named). */
export function takeWorkers(kind: string, n: number, make: () => Worker): Worker[] {
  const free = idle.get(kind) ?? [];
  const taken = free.splice(0, n);
  while (taken.length < n) {
    taken.push(make());
    started.set(kind, (started.get(kind) ?? 0) + 1);
  }
  return taken;
}

/** Gives workers back after a clean run: idle, their handlers cleared. */
export function giveBack(kind: string, workers: Worker[]): void {
  for (const w of workers) {
    w.onmessage = null;
    w.onerror = null;
  }
  idle.set(kind, [...(idle.get(kind) ?? []), ...workers]);
}

/** Ends workers that were stopped or failed mid-run. */
export function discard(workers: Worker[]): void {
  for (const w of workers) w.terminate();
}
