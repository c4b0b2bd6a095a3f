/** The command's phase lines: a set-up phase (or a counted part) still going after half a second is printed, a quick one is not. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { phaseLines } from '../../src/cli/train';

describe("the command's phase lines", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('prints the set-up as it stands every half second, each state once; nothing once training begins', () => {
    const printed: string[] = [];
    const lines = phaseLines((line) => printed.push(line), false);
    lines.progress({ phase: 'data' });
    vi.advanceTimersByTime(100);
    lines.progress({ phase: 'thetas' });
    vi.advanceTimersByTime(600);
    lines.progress({ phase: 'compiling', done: 0, total: 5 });
    vi.advanceTimersByTime(300);
    lines.progress({ phase: 'compiling', done: 3, total: 5 });
    vi.advanceTimersByTime(700);
    lines.progress({ phase: 'uploading' });
    vi.advanceTimersByTime(400);
    lines.progress({ phase: 'training' });
    vi.advanceTimersByTime(5000);
    lines.done();
    // At 0.5 s (data was quick), 1.0 s, 1.5 s and 2.0 s; training begins at 2.1 s.
    expect(printed).toEqual([
      'Setting up: drawing the initial thetas...',
      'Setting up: compiling kernels, 0 of 5...',
      'Setting up: compiling kernels, 3 of 5...',
      'Setting up: uploading the data to the GPU...',
    ]);
  });

  it('prints nothing for a set-up that an epoch line ends within 0.5 s, nor a state twice', () => {
    const printed: string[] = [];
    const lines = phaseLines((line) => printed.push(line), false);
    lines.progress({ phase: 'kernel' });
    vi.advanceTimersByTime(499);
    lines.done();
    vi.advanceTimersByTime(1000);
    expect(printed).toEqual([]);
    lines.progress({ phase: 'kernel', done: 1, total: 3 });
    vi.advanceTimersByTime(600);
    lines.progress({ phase: 'kernel', done: 1, total: 3 });
    vi.advanceTimersByTime(600);
    expect(printed).toEqual(['Setting up: choosing the fastest kernel for this shape: 1 of 3 variants measured (once per adapter, then kept)...']);
  });
});
