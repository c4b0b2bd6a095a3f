/**
 * The page's chart side without a browser: drawnOncePerFrame draws once a frame with the latest
 * arguments, and chartsSettled waits for it (requestAnimationFrame stubbed).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chartsSettled, drawnOncePerFrame } from '../../src/app/chart-view';

describe('drawnOncePerFrame', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('draws once a frame, with the arguments of the last call before it, and the charts are not settled until it has', () => {
    const frames: (() => void)[] = [];
    vi.stubGlobal('requestAnimationFrame', (f: () => void) => frames.push(f));
    const drawn: [number, string][] = [];
    const draw = drawnOncePerFrame((n: number, s: string) => void drawn.push([n, s]));
    draw(1, 'a');
    draw(2, 'b');
    draw(3, 'c');
    expect(frames.length).toBe(1);
    expect(chartsSettled()).toBe(false);
    frames.shift()!();
    expect(drawn).toEqual([[3, 'c']]);
    expect(chartsSettled()).toBe(true);
    // A call after the frame asks for the next one.
    draw(4, 'd');
    expect(frames.length).toBe(1);
    frames.shift()!();
    expect(drawn).toEqual([
      [3, 'c'],
      [4, 'd'],
    ]);
  });
});
