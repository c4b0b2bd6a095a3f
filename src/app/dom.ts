/** The page's DOM helpers. */

/** The element with this id; a missing one is a bug in index.html, so it throws. */
export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
}

/**
 * An object whose properties are made on first use: the page's charts, so that those hidden at
 * start-up (the error and units before a run, the sweep's before a sweep) cost nothing until
 * shown or until the page is idle (makeWhenIdle). Chart.js's set-up of a chart is 100-300 ms of
 * style, layout and drawing in one piece on a slow machine.
 */
export function madeOnUse<T extends object>(makers: { [K in keyof T]: () => T[K] }): T {
  const out = {} as T;
  for (const key of Object.keys(makers) as (keyof T)[]) {
    let made: T[typeof key] | undefined;
    Object.defineProperty(out, key, { enumerable: true, get: () => (made ??= makers[key]()) });
  }
  return out;
}

/**
 * Runs each of `makers` (say, touching a madeOnUse chart) in an idle moment of its own
 * (requestIdleCallback) once the page is up: the hidden charts are ready before they are shown,
 * and no task makes more than one of them.
 */
export function makeWhenIdle(makers: (() => unknown)[]): void {
  const idle = (f: () => void) => (typeof requestIdleCallback === 'function' ? requestIdleCallback(f, { timeout: 5000 }) : setTimeout(f, 200));
  const next = (i: number) => {
    if (i < makers.length)
      idle(() => {
        makers[i]();
        next(i + 1);
      });
  };
  next(0);
}
