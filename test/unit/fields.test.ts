/** The one table of the experiment's fields (src/experiment/fields.ts) and what derives from it. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/experiment/config';
import { fieldFlag, fieldLabel, FIELDS, flagAttribute, NUMBER_FIELDS } from '../../src/experiment/fields';
import { configFromOptions, program } from '../../src/cli/train';

describe('the table of fields', () => {
  it("gives the page's numeric fields by link key, the messages' names and the command's flags", () => {
    expect(NUMBER_FIELDS).toEqual({
      N: 'points',
      K: 'hiddenUnits',
      M: 'steps',
      dt: 'learningRate',
      batch: 'batchSize',
      split: 'validationSplit',
      seed: 'dataSeed',
      initSeed: 'initSeed',
    });
    expect([fieldLabel('points'), fieldLabel('learningRate'), fieldLabel('dataSeed'), fieldLabel('epochs')]).toEqual(['points (N)', 'learningRate (dt)', 'dataSeed', 'EPOCHS']);
    expect([fieldFlag('initSeed'), fieldFlag('formula'), fieldFlag('epochs'), fieldFlag('nonsense')]).toEqual(['--init-seed', '--target', '--M', null]);
    expect([flagAttribute('--init-seed'), flagAttribute('--no-shuffle'), flagAttribute('--N')]).toEqual(['initSeed', 'shuffle', 'N']);
  });

  it('has an input in the page for every numeric field, its link key as id', () => {
    const html = readFileSync(join(__dirname, '../../index.html'), 'utf8');
    for (const link of Object.keys(NUMBER_FIELDS)) expect(html, link).toContain(`<input id="${link}" name="${link}"`);
  });

  it("makes the command's flags from it: each numeric flag sets its field, the defaults being the lecture's", () => {
    const flags = Object.values(NUMBER_FIELDS).flatMap((field, i) => [FIELDS[field].flag, String(i + 2)]);
    const config = configFromOptions(
      program()
        .parse(['node', 'train', ...flags])
        .opts() as never,
    );
    Object.values(NUMBER_FIELDS).forEach((field, i) => expect(config[field], field).toBe(i + 2));
    const defaults = configFromOptions(program().parse(['node', 'train']).opts() as never);
    for (const field of Object.values(NUMBER_FIELDS)) expect(defaults[field], field).toBe(DEFAULT_CONFIG[field]);
  });
});
