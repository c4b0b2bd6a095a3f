/** The page's DOM helpers. */

/** The element with this id; a missing one is a bug in index.html, so it throws. */
export function $<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el as T;
}

/** What madeOnUse made, by object: its makers and the properties made so far. */
const madeBy = new WeakMap<object, { makers: Record<PropertyKey, (first?: unknown) => unknown>; made: Map<PropertyKey, unknown> }>();

/**
 * An object whose properties are made on first use: the page's charts, so that those hidden at
 * start-up (the error and units before a run, the sweep's before a sweep) cost nothing until
 * shown or until the page is idle (makeWhenIdle). Chart.js's set-up of a chart is 100-300 ms of
 * style, layout and drawing in one piece on a slow machine. A maker may take what its chart is
 * first to show (showOn).
 */
export function madeOnUse<T extends object>(makers: { [K in keyof T]: (first?: never) => T[K] }): T {
  const out = {} as T;
  const made = new Map<keyof T, unknown>();
  madeBy.set(out, { makers: makers as Record<keyof T, (first?: unknown) => unknown>, made });
  for (const key of Object.keys(makers) as (keyof T)[]) {
    Object.defineProperty(out, key, {
      enumerable: true,
      get: () => {
        if (!made.has(key)) made.set(key, makers[key]());
        return made.get(key);
      },
    });
  }
  return out;
}

/**
 * Shows `config` on a madeOnUse chart: one not made yet is made with it, so it is laid out and
 * drawn once (made with a placeholder and then given the config, the page's first chart was
 * drawn twice in its first frame); a made one gets it through `replace`.
 */
export function showOn<T extends object, K extends keyof T, C>(obj: T, key: K, config: C, replace: (made: T[K], config: C) => void): void {
  const record = madeBy.get(obj);
  if (!record) throw new Error('showOn takes an object made by madeOnUse');
  if (record.made.has(key)) replace(obj[key], config);
  else record.made.set(key, record.makers[key as PropertyKey](config));
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
