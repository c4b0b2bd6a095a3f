/** The command's phase lines: a set-up phase (or a counted part) still going after half a second is printed, a quick one is not. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { phaseLines } from '../../src/cli/train';

describe("the command's phase lines", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('prints a phase still going after 0.5 s, and a counted part likewise; nothing for a quick one, nothing once training begins', () => {
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
    expect(printed).toEqual(['Setting up: drawing the initial thetas...', 'Setting up: compiling kernels, 3 of 5...']);
  });

  it('prints nothing for a phase that an epoch line ends within 0.5 s', () => {
    const printed: string[] = [];
    const lines = phaseLines((line) => printed.push(line), false);
    lines.progress({ phase: 'kernel' });
    vi.advanceTimersByTime(499);
    lines.done();
    vi.advanceTimersByTime(1000);
    expect(printed).toEqual([]);
  });
});
