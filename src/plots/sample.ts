/** How many points a chart draws of a series: longer ones are sampled, whatever N is. */

/** The most points a chart draws of one series; longer ones are sampled evenly (the last kept). */
export const MAX_DRAWN = 2000;

/** Every index of 0 .. n-1 if n <= max, or max of them evenly spaced, the first and the last included. */
export function sampleIndices(n: number, max = MAX_DRAWN): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: max }, (_, i) => Math.round((i * (n - 1)) / (max - 1)));
}

/** The experiment's data points, training and validation, as the alpha chart shows them. */
export interface PointSets {
  xTrain: ArrayLike<number>;
  yTrain: ArrayLike<number>;
  xVal: ArrayLike<number>;
  yVal: ArrayLike<number>;
}
