/**
 * Chart.js in Node: @napi-rs/canvas (Skia, prebuilt for each platform, no install scripts), loaded
 * when a plot is drawn. Its text is drawn in DejaVu Sans from @fontsource/dejavu-sans, registered
 * here: a server (a GPU machine, a container) often has no fonts at all, and Skia then draws the
 * axes, titles and legends of every plot as nothing. The same font everywhere also makes the
 * command's PNGs the same on every machine.
 */
import { createRequire } from 'node:module';
import { Chart } from 'chart.js';
import type { PngMaker } from './charts';

/** The family every plot drawn in Node uses. */
export const NODE_FONT = 'DejaVu Sans';

/** A PngMaker on @napi-rs/canvas, with DejaVu Sans (regular and bold) registered and made Chart.js's font. */
export async function nodeCanvas(): Promise<PngMaker> {
  const { createCanvas, GlobalFonts } = await import('@napi-rs/canvas');
  if (!GlobalFonts.has(NODE_FONT)) {
    const require = createRequire(import.meta.url);
    for (const weight of [400, 700]) {
      GlobalFonts.registerFromPath(require.resolve(`@fontsource/dejavu-sans/files/dejavu-sans-latin-${weight}-normal.woff2`), NODE_FONT);
    }
  }
  // Node draws PNGs only (no live charts), so the default is this process's to set.
  Chart.defaults.font.family = NODE_FONT;
  return (width, height) => createCanvas(width, height) as unknown as ReturnType<PngMaker>;
}
