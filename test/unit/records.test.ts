/** What `npm run train` writes and prints, on small hand-made inputs. */
import { ConfigError } from '../../src/errors';
import { describe, expect, it } from 'vitest';
import { epochLine, historyCsv, kerasNumber, networkFormula, readThetaJson, thetaJson, thetaMismatch } from '../../src/experiment/records';

describe('output', () => {
  it('prints numbers as Keras does: 4 decimals, or 4 significant digits below 1e-3', () => {
    expect(kerasNumber(1.23456)).toBe('1.2346');
    expect(kerasNumber(0.0079123)).toBe('0.0079');
    expect(kerasNumber(0.00012345)).toBe('1.2345e-4');
    expect(kerasNumber(null)).toBe('-');
    expect(epochLine(3, 50, 800, 4.4, 1.23456, 1.34561)).toBe('Epoch 3/50 - 800/800 steps - 4 ms - loss: 1.2346 - val_loss: 1.3456');
    expect(epochLine(1, 2, 5, 1, 0.5, null)).toBe('Epoch 1/2 - 5/5 steps - 1 ms - loss: 0.5000');
  });

  it('writes theta in rows [v, w, b] and in the layout of Keras get_weights()', () => {
    const t = thetaJson([1, 2, 3, 4, 5, 6], 'sigmoid');
    expect(t.theta).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    // [hidden kernel 1 x K = w, hidden bias K = b, output kernel K x 1 = v]
    expect(t.keras_get_weights).toEqual([[[2, 5]], [3, 6], [[1], [4]]]);
  });

  it('writes the history as CSV with full precision and an empty val_loss without validation', () => {
    expect(historyCsv({ history: { loss: [0.1, 0.25], valLoss: [0.2, null] } })).toBe('epoch,loss,val_loss\n1,0.1,0.2\n2,0.25,\n');
  });
});

describe('theta.json read back', () => {
  const theta = [3.8123, -1.9345, -6.1211, -0.5, 0.25, 0];
  it('reads what thetaJson writes, and says what is wrong with anything else', () => {
    const written = JSON.stringify(thetaJson(theta, 'tanh'));
    expect(readThetaJson(written)).toEqual({ theta, K: 2, activation: 'tanh' });
    const bad = (text: string) => () => readThetaJson(text);
    expect(bad('{')).toThrow(/not a theta.json of this project: it is not JSON/);
    expect(bad('{"K": 1}')).toThrow(/no "theta" rows/);
    expect(bad('{"K": 1, "activation": "tanh", "theta": [[1, 2]]}')).toThrow(/row 0 of "theta" is not three finite numbers/);
    expect(bad('{"K": 2, "activation": "tanh", "theta": [[1, 2, 3]]}')).toThrow(/"K" is 2 but "theta" has 1 rows/);
    expect(bad('{"K": 1, "activation": "gelu", "theta": [[1, 2, 3]]}')).toThrow(/"activation" must be one of sigmoid, tanh, relu, got gelu/);
    expect(() => readThetaJson('{')).toThrow(ConfigError);
  });

  it("checks a theta's K and activation against the experiment's", () => {
    const loaded = readThetaJson(JSON.stringify(thetaJson(theta, 'sigmoid')));
    expect(thetaMismatch(loaded, { hiddenUnits: 2, activation: 'sigmoid' })).toBeNull();
    expect(thetaMismatch(loaded, { hiddenUnits: 10, activation: 'sigmoid' })).toBe('the theta has K = 2 hidden units, the experiment K = 10');
    expect(thetaMismatch(loaded, { hiddenUnits: 2, activation: 'relu' })).toBe('the theta was trained with sigmoid units, the experiment has relu');
  });

  it("writes the network's formula with its numbers in", () => {
    expect(networkFormula(theta, 'sigmoid')).toBe('alpha(x) = 3.81 σ(-1.93 x - 6.12) - 0.5 σ(0.25 x + 0)');
    expect(networkFormula(theta, 'tanh', 2, (v, d) => v.toPrecision(d).replace('.', ','))).toBe('alpha(x) = 3,8 tanh(-1,9 x - 6,1) - 0,50 tanh(0,25 x + 0,0)');
    expect(thetaJson(theta, 'relu').formula).toBe('alpha(x) = 3.81 relu(-1.93 x - 6.12) - 0.5 relu(0.25 x + 0)');
  });
});
