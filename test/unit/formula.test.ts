/** mathjs loads only when a formula is to be read; until then a formula is refused, saying what to do. */
import { describe, expect, it } from 'vitest';
import { prepareExperiment } from '../../src/experiment/config';
import { formulaParserLoaded } from '../../src/experiment/targets';
import { train } from '../../src/train';

describe('the formula parser', () => {
  it('is not loaded until asked; before, a formula is refused with what to do; train() loads it', async () => {
    expect(formulaParserLoaded()).toBe(false);
    expect(() => prepareExperiment({ target: 'custom', formula: 'x' })).toThrow(/await loadFormulaParser\(\) first/);
    const typed = await train({ target: 'custom', formula: 'sin(x)', steps: 1600, points: 100 }, { engine: 'cpu' });
    expect(formulaParserLoaded()).toBe(true);
    const builtIn = await train({ target: 'sin', steps: 1600, points: 100 }, { engine: 'cpu' });
    expect(typed.history.loss).toHaveLength(20);
    expect(typed.history.loss).toEqual(builtIn.history.loss);
  });
});
