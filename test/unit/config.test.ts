/** Config validation: every bad input is refused before any work, naming the field and the range. */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, epochsFor, prepareExperiment, type ExperimentConfig } from '../../src/experiment/config';
import { makeDataset } from '../../src/experiment/data';
import { loadFormulaParser, TARGETS } from '../../src/experiment/targets';
import { ConfigError } from '../../src/errors';

describe('the lecture defaults', () => {
  it('derive EPOCHS = 50, 800 training and 200 validation points, 800 steps an epoch', () => {
    const exp = prepareExperiment();
    expect(exp.config).toEqual({ ...DEFAULT_CONFIG });
    expect(exp).toMatchObject({ epochs: 50, trainPoints: 800, valPoints: 200, stepsPerEpoch: 800, totalSteps: 40000 });
  });

  it('derive EPOCHS with numpy float64 arithmetic, a smaller last batch and the steps actually taken', () => {
    // np.int64(40000 / (1000 * 0.8 / 7)) = 350; ceil(800 / 7) = 115 steps, the last of 2 points.
    expect(prepareExperiment({ batchSize: 7 })).toMatchObject({ epochs: 350, stepsPerEpoch: 115, totalSteps: 40250 });
    expect(epochsFor({ points: 1000, steps: 40000, batchSize: 800, validationSplit: 0.2 })).toBe(40000);
    // split_at = floor(7 * (1 - 0.3)) = 4 (7 * 0.7 = 4.8999...).
    expect(prepareExperiment({ points: 7, validationSplit: 0.3, steps: 100 })).toMatchObject({ trainPoints: 4, valPoints: 3 });
    expect(prepareExperiment({ validationSplit: 0 })).toMatchObject({ trainPoints: 1000, valPoints: 0, epochs: 40 });
  });
});

// mathjs loads on demand (targets.ts; test/unit/formula.test.ts checks that): load it for these.
beforeAll(() => loadFormulaParser());

describe('custom targets', () => {
  it('trains on a formula typed by the user, evaluated by mathjs', () => {
    const exp = prepareExperiment({ target: 'custom', formula: 'sin(2 x) + (x < 0 ? 0 : 1)' });
    const d = makeDataset(exp);
    expect(d.yTrain[0]).toBeCloseTo(Math.sin(2 * d.xTrain[0]) + (d.xTrain[0] < 0 ? 0 : 1), 14);
  });

  it('gives the same data for the lecture formula typed in as for the built-in target', () => {
    const typed = makeDataset(prepareExperiment({ target: 'custom', formula: TARGETS.lecture.formula }));
    const builtIn = makeDataset(prepareExperiment());
    expect([...typed.yVal]).toEqual([...builtIn.yVal]);
  });
});

type Bad = [string, Partial<ExperimentConfig>, string, RegExp];

// [what, config, field named, message]
const BAD: Bad[] = [
  ['N < 2', { points: 1 }, 'points', /points \(N\) must be an integer from 2 to 10000000, got 1/],
  ['N not an integer', { points: 100.5 }, 'points', /points \(N\) must be an integer.*got 100\.5/],
  ['N not a number', { points: 'many' as unknown as number }, 'points', /points \(N\).*got many/],
  ['N huge', { points: 1e12 }, 'points', /points \(N\).*got 1000000000000/],
  ['K < 1', { hiddenUnits: 0 }, 'hiddenUnits', /hiddenUnits \(K\) must be an integer from 1 to 4096, got 0/],
  ['K negative', { hiddenUnits: -3 }, 'hiddenUnits', /hiddenUnits \(K\).*got -3/],
  ['K not an integer', { hiddenUnits: 2.5 }, 'hiddenUnits', /hiddenUnits \(K\).*got 2\.5/],
  ['M not an integer', { steps: 1.5 }, 'steps', /steps \(M\) must be an integer from 1/],
  ['M = 0', { steps: 0 }, 'steps', /steps \(M\).*got 0/],
  ['dt = 0', { learningRate: 0 }, 'learningRate', /learningRate \(dt\) must be a finite number > 0, got 0/],
  ['dt < 0', { learningRate: -0.1 }, 'learningRate', /learningRate \(dt\).*got -0\.1/],
  ['dt infinite', { learningRate: Infinity }, 'learningRate', /learningRate \(dt\).*got Infinity/],
  ['dt NaN', { learningRate: NaN }, 'learningRate', /learningRate \(dt\).*got NaN/],
  ['Nbatch < 1', { batchSize: 0 }, 'batchSize', /batchSize \(Nbatch\) must be an integer from 1 to 800, got 0/],
  ['Nbatch > training points', { batchSize: 801 }, 'batchSize', /batchSize \(Nbatch\) must be an integer from 1 to 800, got 801/],
  ['Nbatch not an integer', { batchSize: 1.5 }, 'batchSize', /batchSize \(Nbatch\).*got 1\.5/],
  ['split < 0', { validationSplit: -0.1 }, 'validationSplit', /validationSplit \(validation_split_ratio\) must be in \[0, 1\), got -0\.1/],
  ['split = 1', { validationSplit: 1 }, 'validationSplit', /validationSplit.*must be in \[0, 1\), got 1/],
  ['split leaving no training point', { points: 2, validationSplit: 0.6, steps: 10 }, 'validationSplit', /leaves no training point of N = 2/],
  ['data seed negative', { dataSeed: -1 }, 'dataSeed', /dataSeed must be an integer from 0 to 4294967295, got -1/],
  ['init seed too large', { initSeed: 2 ** 32 }, 'initSeed', /initSeed must be an integer from 0 to 4294967295/],
  ['EPOCHS = 0', { steps: 799 }, 'epochs', /EPOCHS .* is 0: M = 799 is too small for one epoch; use M >= 800/],
  ['unknown target', { target: 'cos' as never }, 'target', /target must be one of lecture, sin, abs, step, runge, custom, got cos/],
  ['theta of the wrong size', { hiddenUnits: 2, initialTheta: [1, 2, 3] }, 'initialTheta', /initialTheta must be 6 finite numbers/],
  ['theta with NaN', { hiddenUnits: 1, initialTheta: [1, NaN, 3] }, 'initialTheta', /initialTheta must be 3 finite numbers/],
  ['custom target without a formula', { target: 'custom' }, 'formula', /formula "": the formula is empty/],
  ['formula that does not parse', { target: 'custom', formula: 'sin(x' }, 'formula', /formula "sin\(x": cannot read the formula/],
  ['formula with an unknown function', { target: 'custom', formula: 'eval(x)' }, 'formula', /unknown function "eval"/],
  ['formula reaching for mathjs itself', { target: 'custom', formula: 'import({}, {})' }, 'formula', /unknown function "import"/],
  ['formula assigning', { target: 'custom', formula: 'x = 3' }, 'formula', /is not allowed/],
  ['formula with another variable', { target: 'custom', formula: 'x + y' }, 'formula', /unknown name "y"/],
  ['formula not finite on [-4, 4]', { target: 'custom', formula: 'log(x)' }, 'formula', /formula "log\(x\)": f\(-4\) = NaN is not a finite number/],
  // One rule: usable at every point of the grid, or a ConfigError naming the formula (never mathjs's TypeError).
  ['a function given too few arguments', { target: 'custom', formula: 'sin()' }, 'formula', /formula "sin\(\)": sin\(\) takes 1 argument, not 0/],
  ['a function given too many arguments', { target: 'custom', formula: 'sin(x, 2)' }, 'formula', /sin\(\) takes 1 argument, not 2/],
  ['pow with one argument', { target: 'custom', formula: 'pow(x)' }, 'formula', /pow\(\) takes 2 arguments, not 1/],
  ['max with none', { target: 'custom', formula: 'max()' }, 'formula', /max\(\) takes 1 or more arguments, not 0/],
  ['a call mathjs refuses only when evaluated', { target: 'custom', formula: 'round(x, 100)' }, 'formula', /f\(-4\) cannot be evaluated: Number of decimals/],
  ['values whose squares overflow float32', { target: 'custom', formula: '1e200*x' }, 'formula', /f\(-4\) = -4\.000e\+200: its square overflows float32/],
  ['values just past float32 when squared', { target: 'custom', formula: '2e19' }, 'formula', /its square overflows float32/],
  ['formula too long', { target: 'custom', formula: 'x+'.repeat(150) + 'x' }, 'formula', /longer than 200 characters/],
  ['shuffle not boolean', { shuffle: 'yes' as never }, 'shuffle', /shuffle must be true or false/],
];

describe('bad configs are refused with a message that names the field and the range', () => {
  it.each(BAD)('%s', (_, config, field, message) => {
    let error: unknown;
    try {
      prepareExperiment(config);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe(field);
    expect((error as ConfigError).message).toMatch(message);
  });
});

describe('a formula usable on the grid but not at a data point', () => {
  // The first data point of seed 123 (numpy), between two points of the plot grid.
  const at = (value: string) => ({ target: 'custom' as const, formula: `abs(x - 1.5717534847828931) < 1e-9 ? ${value} : x` });
  it.each([
    ['1/0', /f\(1\.5717534847828931\) = Infinity is not a finite number at data point 0/],
    ['round(x, 100)', /f\(1\.5717534847828931\) cannot be evaluated: .* at data point 0/],
  ])('%s there: a ConfigError naming the formula and the point when the data are made', (value, message) => {
    const exp = prepareExperiment(at(value));
    let error: unknown;
    try {
      makeDataset(exp);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).field).toBe('formula');
    expect((error as ConfigError).message).toMatch(/^formula "abs\(x - 1\.5717534847828931\) < 1e-9 \? /);
    expect((error as ConfigError).message).toMatch(message);
  });

  it('accepts values up to the float32 bound', () => {
    expect(() => prepareExperiment({ target: 'custom', formula: '1e19' })).not.toThrow();
  });
});
