/** Where f and alpha are plotted: the lecture's `np.linspace(-4, 4, 300)`. */

/** The number of points the lecture plots f and alpha on. */
export const PLOT_POINTS = 300;

/** `np.linspace(lo, hi, count)`, the last point exactly hi as numpy makes it. */
export function plotGrid(count = PLOT_POINTS, lo = -4, hi = 4): Float64Array {
  const out = new Float64Array(count);
  const step = (hi - lo) / (count - 1);
  for (let i = 0; i < count; i++) out[i] = lo + i * step;
  out[count - 1] = hi;
  return out;
}
