/** What `npm run train` writes and prints, on small hand-made inputs. */
import { describe, expect, it } from 'vitest';
import { epochLine, historyCsv, kerasNumber, thetaJson } from '../../src/experiment/records';

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
