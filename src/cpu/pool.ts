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

/** Ends a run's use of its workers: after a clean run they go back idle (handlers cleared), after a stopped or failed one they are ended. */
export function release(kind: string, workers: Worker[], clean: boolean): void {
  if (!clean) {
    for (const w of workers) w.terminate();
    return;
  }
  for (const w of workers) {
    w.onmessage = null;
    w.onerror = null;
  }
  idle.set(kind, [...(idle.get(kind) ?? []), ...workers]);
}
