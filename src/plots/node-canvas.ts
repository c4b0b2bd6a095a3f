/** Chart.js in Node: @napi-rs/canvas (Skia, prebuilt for each platform, no install scripts), loaded when a plot is drawn. */
import type { PngMaker } from './charts';

/** A PngMaker on @napi-rs/canvas. */
export async function nodeCanvas(): Promise<PngMaker> {
  const { createCanvas } = await import('@napi-rs/canvas');
  return (width, height) => createCanvas(width, height) as unknown as ReturnType<PngMaker>;
}
