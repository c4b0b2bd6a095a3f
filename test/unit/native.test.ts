/** The benchmark's plain C loop (native-c) does the engines' work: its history is the `cpu` engine's. */
import { afterAll, describe, expect, it } from 'vitest';
import { compileNativeFloor, type NativeFloor } from '../../src/cli/native';
import { prepareExperiment } from '../../src/experiment/config';
import { train } from '../../src/train';

describe('the native floor (plain C)', () => {
  const native = compileNativeFloor();
  afterAll(() => (native as NativeFloor).dispose?.());

  it("is compiled by the machine's C compiler, or says there is none", () => {
    // .ci/run installs gcc where there is no cc, so under CI the loop must compile; elsewhere a
    // machine without a compiler gets no native-c row and this reason.
    if (process.env.CI) expect(native).not.toHaveProperty('error');
    if ('error' in native) expect(native.error).toMatch(/no C compiler|could not compile/);
    else expect(native.compiler).toMatch(/-O2$/);
    expect(compileNativeFloor('no-such-cc-here')).toEqual({ error: 'no C compiler ("no-such-cc-here") on this machine' });
  });

  it.each([
    ['the lecture', {}],
    ['batch 7, no shuffle, no validation', { batchSize: 7, steps: 1200, shuffle: false, validationSplit: 0 }],
    ['K 3, another seed', { hiddenUnits: 3, initSeed: 7, steps: 4000 }],
  ])('trains %s as the cpu engine does (every epoch within 1e-9)', async (_, config) => {
    if ('error' in native) return expect(native.error).toMatch(/no C compiler/);
    const exp = prepareExperiment(config);
    const r = await native.run(config);
    if ('error' in r) throw new Error(r.error);
    const cpu = await train(exp, { engine: 'cpu' });
    expect(r.trainMs).toBeGreaterThan(0);
    expect(r.loss).toHaveLength(exp.epochs);
    r.loss.forEach((l, i) => expect(Math.abs(l - cpu.history.loss[i]) / l).toBeLessThan(1e-9));
    r.valLoss.forEach((l, i) => (exp.valPoints ? expect(Math.abs(l! - cpu.history.valLoss[i]!) / l!).toBeLessThan(1e-9) : expect(l).toBeNull()));
  });

  it('refuses what it does not do (units other than sigmoid)', async () => {
    if ('error' in native) return expect(native.error).toMatch(/no C compiler/);
    expect(await native.run({ activation: 'tanh' })).toEqual({ error: 'the C loop has sigmoid units only' });
  });
});
