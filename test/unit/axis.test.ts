/** Axis labels are written by the project (not Intl): in the page's language, with the decimals the tick step needs. */
import { describe, expect, it } from 'vitest';
import { axisNumber, linearTicks, logTicks } from '../../src/plots/charts';

const ticks = (values: number[]) => values.map((value) => ({ value }));

describe('axis labels', () => {
  it('use a decimal comma, a minus sign and spaced thousands in Swedish; a point and commas in English', () => {
    expect(axisNumber(-0.5, 'sv', 1)).toBe('\u22120,5');
    expect(axisNumber(-0.5, 'en', 1)).toBe('-0.5');
    expect(axisNumber(12500, 'sv', 0)).toBe('12\u00a0500');
    expect(axisNumber(12500, 'en', 0)).toBe('12,500');
    expect(axisNumber(2e-5, 'sv')).toBe('2,00e\u22125');
    expect(axisNumber(3e16, 'en')).toBe('3.00e+16');
    expect(axisNumber(0, 'sv', 2)).toBe('0,00');
  });

  it('give a linear axis as many decimals as its step needs, and a log axis 1, 2 and 5 times powers of ten', () => {
    const x = linearTicks('sv').callback;
    const steps = ticks([-4, -3, -2]);
    expect(steps.map((t, i) => x(t.value, i, steps))).toEqual(['\u22124', '\u22123', '\u22122']);
    const fine = ticks([0, 0.25, 0.5]);
    expect(fine.map((t, i) => x(t.value, i, fine))).toEqual(['0,00', '0,25', '0,50']);
    const tenths = ticks([0.1, 0.2, 0.3]);
    expect(linearTicks('en').callback(0.3, 2, tenths)).toBe('0.3');
    const log = logTicks('sv').callback;
    expect([0.02, 0.03, 0.05, 0.1, 1000].map((v) => log(v))).toEqual(['0,02', '', '0,05', '0,1', '1\u00a0000']);
    expect(logTicks('en').callback(10000)).toBe('10,000');
  });
});
