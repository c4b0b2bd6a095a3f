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
 * shown. Chart.js's set-up of a chart is tens of ms of style, layout and number formats.
 */
export function madeOnUse<T extends object>(makers: { [K in keyof T]: () => T[K] }): T {
  const out = {} as T;
  for (const key of Object.keys(makers) as (keyof T)[]) {
    let made: T[typeof key] | undefined;
    Object.defineProperty(out, key, { enumerable: true, get: () => (made ??= makers[key]()) });
  }
  return out;
}
