/**
 * Plots drawn in Node carry their own font: a GPU server or a container often has none, and Skia
 * then draws every title, axis and legend as nothing (seen on a GPU machine before the font was
 * bundled). The font Chart.js asks for must be one the canvas has, whatever the system holds.
 */
import { GlobalFonts } from '@napi-rs/canvas';
import { Chart } from 'chart.js';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { lossChartConfig, renderPng } from '../../src/plots/charts';
import { NODE_FONT, nodeCanvas } from '../../src/plots/node-canvas';

/** The grey pixels (Chart.js's text is #666) in rows [top, bottom) of a PNG data URL. */
function greyPixels(dataUrl: string, top: number, bottom: number): number {
  const png = PNG.sync.read(Buffer.from(dataUrl.split(',')[1], 'base64'));
  let grey = 0;
  for (let y = top; y < bottom; y++) {
    for (let x = 0; x < png.width; x++) {
      const i = (y * png.width + x) * 4;
      const [r, g, b] = [png.data[i], png.data[i + 1], png.data[i + 2]];
      if (r < 200 && Math.max(r, g, b) - Math.min(r, g, b) < 16) grey++;
    }
  }
  return grey;
}

describe('plots in Node', () => {
  it('draw their text in the bundled DejaVu Sans, a family the canvas has', async () => {
    const make = await nodeCanvas();
    expect(Chart.defaults.font.family).toBe(NODE_FONT);
    expect(GlobalFonts.has(NODE_FONT)).toBe(true);
    // A loss chart's title fills its top rows: grey there is the font at work.
    const config = lossChartConfig([0.5, 0.25, 0.125], [0.6, 0.3, 0.2], 'en');
    const png = renderPng(config, 400, 300, make);
    expect(greyPixels(png, 0, 25)).toBeGreaterThan(50);
  });

  it('register the font once however many times a canvas maker is asked for', async () => {
    await nodeCanvas();
    const before = GlobalFonts.families.filter((f) => f.family === NODE_FONT).length;
    await nodeCanvas();
    expect(GlobalFonts.families.filter((f) => f.family === NODE_FONT).length).toBe(before);
  });
});
