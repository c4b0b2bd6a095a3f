/**
 * The command against what a user may type, stop or kill: formulas that parse but cannot be used,
 * sweep axes past the model limit, signals in every phase with no process left behind, and output
 * files written whole or not at all.
 */
import { describe, expect, it } from 'vitest';
import { runCli, tempDirs } from './run';

const tempDir = tempDirs('webgpu-sgd-edges-');

/** The first data point of seed 123 (numpy), between two points of the plot grid. */
const FIRST_X = '1.5717534847828931';

describe('a formula that parses but cannot be used', () => {
  it.each([
    ['too few arguments', 'sin()', /sin\(\) takes 1 argument, not 0/],
    ['too few arguments for pow', 'pow(x)', /pow\(\) takes 2 arguments, not 1/],
    ['a call mathjs refuses when evaluated', 'round(x, 100)', /f\(-4\) cannot be evaluated: Number of decimals/],
    ['values whose squares overflow float32', '1e200*x', /f\(-4\) = -4\.000e\+200: its square overflows float32/],
    ['infinite at one data point only', `abs(x - ${FIRST_X}) < 1e-9 ? 1/0 : x`, new RegExp(`f\\(${FIRST_X}\\) = Infinity is not a finite number at data point 0`)],
    ['throwing at one data point only', `abs(x - ${FIRST_X}) < 1e-9 ? round(x, 100) : x`, new RegExp(`f\\(${FIRST_X}\\) cannot be evaluated: .* at data point 0`)],
  ])('%s: exit 2, one line naming --target and the formula', async (_, formula, reason) => {
    for (const engine of ['cpu', 'gpu']) {
      const r = await runCli('train', ['--target', formula, '--engine', engine, '--M', '1600', '--out', tempDir()], { timeoutMs: 60_000 });
      expect(r.code, `${engine}: ${r.stderr}`).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0].startsWith(`error: --target: formula "${formula}": `), lines[0]).toBe(true);
      expect(lines[0]).toMatch(reason);
    }
  });
});
