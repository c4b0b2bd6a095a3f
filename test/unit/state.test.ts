/** The page's state in the URL: exact round trips, and field-by-field fallback on bad links. */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_STATE, parseNumber, PRESETS, stateFromQuery, stateToQuery } from '../../src/app/state';
import { prepareExperiment } from '../../src/experiment/config';
import { loadFormulaParser } from '../../src/experiment/targets';

// The page loads mathjs before reading a link with a formula (main.ts); so do these tests.
beforeAll(() => loadFormulaParser());

describe('page state in the URL', () => {
  it('round-trips every field', () => {
    const state = {
      config: {
        ...DEFAULT_STATE.config,
        points: 2000,
        hiddenUnits: 7,
        steps: 8000,
        learningRate: 0.0125,
        batchSize: 3,
        validationSplit: 0.25,
        dataSeed: 1,
        initSeed: 4294967295,
        target: 'custom' as const,
        formula: 'sin(2 x) + x^2 / 3',
        shuffle: false,
      },
      engine: 'gpu-perop' as const,
      showPoints: true,
    };
    const back = stateFromQuery(stateToQuery(state, 'sv'));
    expect(back.notices).toEqual([]);
    expect(back.lang).toBe('sv');
    expect(back.state).toEqual(state);
  });

  it('reads numbers strictly', () => {
    expect(parseNumber(' 0.008 ')).toBe(0.008);
    expect(parseNumber('1e3')).toBe(1000);
    // A decimal comma, as Swedish writes it ("dt = 0,004" on the Swedish page), in every number field.
    expect(parseNumber('0,008')).toBe(0.008);
    expect(parseNumber(' 1,5e-3 ')).toBe(0.0015);
    expect(parseNumber(',5')).toBe(0.5);
    for (const bad of ['', 'abc', '1,5,0', '1.5,0', '1 000', '0x10', '0b1', 'Infinity', 'NaN', '1e999', '--1', '1.2.3', ',']) expect(parseNumber(bad), bad).toBeNull();
  });

  it('falls back field by field on a hostile link, saying which and why', () => {
    const { state, notices, lang } = stateFromQuery('?N=%3Cscript%3E&K=5000&dt=0.02&batch=2000&target=custom&formula=import(%7B%7D)&engine=evil&lang=xx');
    expect(state.config.points).toBe(1000);
    expect(state.config.hiddenUnits).toBe(10);
    expect(state.config.learningRate).toBe(0.02);
    expect(state.config.batchSize).toBe(1);
    expect(state.config.target).toBe('lecture');
    expect(state.engine).toBe('gpu');
    expect(lang).toBeNull();
    expect(notices.join('\n')).toMatch(/N = "<script>": not a number; using 1000/);
    expect(notices.join('\n')).toMatch(/hiddenUnits \(K\) must be an integer from 1 to 4096, got 5000; using the default/);
    expect(notices.join('\n')).toMatch(/batchSize \(Nbatch\).*got 2000; using the default/);
    expect(notices.join('\n')).toMatch(/formula "import\(\{\}\)": unknown function "import"/);
    expect(notices.join('\n')).toMatch(/engine = "evil": unknown/);
    expect(notices.join('\n')).toMatch(/lang = "xx": unknown/);
    expect(() => prepareExperiment(state.config)).not.toThrow();
  });

  it.each(['sin()', 'pow(x)', 'round(x, 100)', '1e200*x'])('falls back from a link whose formula %s parses but cannot be used, saying why', async (formula) => {
    await loadFormulaParser();
    const { state, notices, problems } = stateFromQuery(`?target=custom&formula=${encodeURIComponent(formula)}`);
    expect(state.config.target).toBe('lecture');
    expect(problems.map((p) => p.name)).toEqual(['formula']);
    expect(notices.join('\n')).toContain(`formula "${formula}": `);
    expect(() => prepareExperiment(state.config)).not.toThrow();
  });

  it("has the lecture's two examples as presets, 50 epochs each", () => {
    expect(prepareExperiment(PRESETS.example1).epochs).toBe(50);
    expect(prepareExperiment(PRESETS.example2)).toMatchObject({ epochs: 50, trainPoints: 3200 });
    expect(PRESETS.example2.learningRate).toBeLessThan(PRESETS.example1.learningRate);
  });
});
