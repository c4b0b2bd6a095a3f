/** The package's entry points refuse what is not of their shape with the project's own errors, naming the argument. */
import { describe, expect, it } from 'vitest';
import * as api from '../../src/index';
import { ArgumentError, ConfigError, SweepError } from '../../src/errors';
import type { Experiment, Sweep } from '../../src/index';

/** Runs `call` and returns what it threw. */
async function thrown(call: () => unknown): Promise<Error> {
  try {
    await call();
  } catch (e) {
    return e as Error;
  }
  throw new Error('nothing was thrown');
}

describe('the package names what is wrong', () => {
  it.each([
    ['train(null)', () => api.train(null as never, { engine: 'cpu' }), ArgumentError, 'config', /train: config must be an object .* got null/],
    ['train({}, undefined)', () => api.train({}, undefined as never), ArgumentError, 'options', /train: options must be an object such as \{ engine: 'gpu' \}, got undefined/],
    [
      'train with an unknown engine',
      () => api.train({}, { engine: 'nonsense' as never }),
      ArgumentError,
      'options.engine',
      /unknown engine "nonsense": use one of gpu, gpu-perop, cpu, cpu-f32, cpu-wasm, cpu-workers/,
    ],
    ['train with a signal that is not one', () => api.train({}, { engine: 'cpu', signal: {} as never }), ArgumentError, 'options.signal', /must be an AbortSignal/],
    ['train with onEpoch not a function', () => api.train({}, { engine: 'cpu', onEpoch: 3 as never }), ArgumentError, 'options.onEpoch', /must be a function, got number/],
    ['createStepper with an unknown engine', () => api.createStepper({}, 'nonsense' as never), ArgumentError, 'engine', /createStepper: unknown engine "nonsense"/],
    ['trainSweep(null)', () => api.trainSweep(null as never, { engine: 'cpu' }), ArgumentError, 'sweep', /must be a Sweep from prepareSweep/],
    [
      'trainSweep with a per-op engine',
      () => api.trainSweep(api.prepareSweep({}, [{ learningRate: 0.01, hiddenUnits: 2, initSeed: 1 }]), { engine: 'gpu-perop' as never }),
      ArgumentError,
      'options.engine',
      /use one of gpu, cpu, cpu-wasm, cpu-workers/,
    ],
    ['parseSweep with axes null', () => api.parseSweep(null as never, 1, api.DEFAULT_CONFIG), SweepError, 'sweep', /the axes must be text .* got null/],
    ['prepareSweep with models null', () => api.prepareSweep({}, null as never), SweepError, 'sweep', /the models must be an array/],
    ['alphaOf with 4 numbers of theta', () => api.alphaOf([1, 2, 3, 4], [0]), ArgumentError, 'theta', /K x 3 numbers .* got 4 numbers/],
    ['warmUp with an engine that is not a GPU one', () => api.warmUp(api.prepareExperiment(), 'cpu' as never), ArgumentError, 'engine', /use one of gpu, gpu-perop/],
  ])('%s', async (_, call, type, argument, message) => {
    const e = await thrown(call);
    expect(e).toBeInstanceOf(type);
    expect((e as Error & { argument?: string; field?: string }).argument ?? (e as { field?: string }).field).toBe(argument);
    expect(e.message).toMatch(message);
  });

  it('validates a hand-made Experiment or Sweep as a config: K = -3 is a ConfigError naming hiddenUnits', async () => {
    const made = api.prepareExperiment();
    const handMade: Experiment = { ...made, config: { ...made.config, hiddenUnits: -3 } };
    const e = await thrown(() => api.train(handMade, { engine: 'cpu' }));
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).field).toBe('hiddenUnits');
    const sweep = api.prepareSweep({}, [{ learningRate: 0.01, hiddenUnits: 2, initSeed: 1 }]);
    const handSweep: Sweep = { ...sweep, models: [{ learningRate: 0.01, hiddenUnits: -3, initSeed: 1 }] };
    const s = await thrown(() => api.trainSweep(handSweep, { engine: 'cpu' }));
    expect(s).toBeInstanceOf(ConfigError);
    expect(s.message).toMatch(/model 0 .*K must be an integer/);
    // A hand-made Experiment that is valid trains as its config does.
    const copy: Experiment = { ...made, config: { ...made.config, steps: 1600 } };
    expect((await api.train(copy, { engine: 'cpu' })).epochs).toBe(2);
  });

  it('exports every error class the API throws', () => {
    for (const name of [
      'ArgumentError',
      'ConfigError',
      'SweepError',
      'FormulaError',
      'DivergedError',
      'EngineUnavailableError',
      'WebGpuUnavailableError',
      'GpuLimitError',
      'DeviceLostError',
      'StoppedError',
    ])
      expect(typeof (api as Record<string, unknown>)[name], name).toBe('function');
  });
});

describe('onProgress', () => {
  it.each(['cpu', 'cpu-wasm'] as const)('reports the phases of a %s run in order and times each in timings.phases', async (engine) => {
    const events: string[] = [];
    const r = await api.train({ steps: 100, points: 100_000, batchSize: 800 }, { engine, onProgress: (e) => events.at(-1) !== e.phase && events.push(e.phase) });
    // Each phase once, in order (a long epoch's steps come as 'training' events too).
    expect(events).toEqual(['data', 'thetas', 'compiling', 'training']);
    expect(Object.keys(r.timings.phases)).toEqual(['data', 'thetas', 'compiling']);
    // 10^5 points take a few milliseconds to make; the phases add up to at most the set-up.
    expect(r.timings.phases.data).toBeGreaterThan(0.5);
    expect(Object.values(r.timings.phases).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(r.timings.setupMs + 1e-6);
  });

  it('reports the phases of a CPU sweep in order', async () => {
    const events: string[] = [];
    const sweep = api.prepareSweep({ steps: 1600 }, api.sweepModels([0.01, 0.02], [2, 3], 1, 124));
    const r = await api.trainSweep(sweep, { engine: 'cpu', onProgress: (e) => events.at(-1) !== e.phase && events.push(e.phase) });
    expect(events).toEqual(['data', 'thetas', 'compiling', 'training']);
    expect(r.timings.phases.thetas).toBeGreaterThanOrEqual(0);
  });
});

describe('onProgress inside a long epoch', () => {
  it("reports the epoch's steps done as 'training' events, at most every 100 ms, each further than the last, then its validation points", async () => {
    const steps: [number, number, number][] = [];
    const at: number[] = [];
    const validation: number[] = [];
    await api.train(
      { points: 1_000_000, steps: 800_000 },
      {
        engine: 'cpu',
        onProgress: (e) => {
          if (e.phase === 'training' && e.part === 'validation') validation.push(e.total!);
          if (e.phase !== 'training' || e.done === undefined || e.part === 'validation') return;
          steps.push([e.epoch!, e.done, e.total!]);
          at.push(performance.now());
        },
      },
    );
    console.log(`a 800,000-step epoch: ${steps.length} progress events`);
    expect(steps.length).toBeGreaterThan(1);
    for (let i = 1; i < steps.length; i++) {
      expect(steps[i][1]).toBeGreaterThan(steps[i - 1][1]);
      expect(at[i] - at[i - 1]).toBeGreaterThanOrEqual(99);
    }
    expect(steps.every(([epoch, done, total]) => epoch === 1 && total === 800_000 && done < total)).toBe(true);
    // 200,000 validation points take more than one slice: counted too, against their own total.
    expect(validation.every((total) => total === 200_000)).toBe(true);
  });
});
