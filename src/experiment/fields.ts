/**
 * The experiment's fields in one table: each config field's symbol in the lecture, its flag on the
 * command line, its key in the page's link and form, and for a number whether it is an integer.
 * The messages' names (config.ts), the command's numeric flags (cli/train.ts) and the page's
 * numeric fields and link (app/state.ts) derive from it; the page's labels in each language are
 * in plots/i18n.ts, keyed by `link`, and its inputs in index.html carry `link` as their id.
 */
import type { ExperimentConfig } from './config';

interface FieldFacts {
  /** Its name in the lecture, where that differs from the field's. */
  symbol: string | null;
  /** The command's flag, or null where the command has none. */
  flag: string | null;
  /** Its key in the page's link (and the id of its input). */
  link: string | null;
  /** A number typed in a box and a flag: 'integer' or 'decimal'; null for anything else. */
  number: 'integer' | 'decimal' | null;
  /** What it is, in a line (the command's help of a numeric flag). */
  help: string;
  /** The value's name in the command's help (`--dt <rate>`). */
  arg: string;
}

export const FIELDS = {
  points: { symbol: 'N', flag: '--N', link: 'N', number: 'integer', help: 'data points in all (training + validation)', arg: 'points' },
  hiddenUnits: { symbol: 'K', flag: '--K', link: 'K', number: 'integer', help: 'hidden units', arg: 'units' },
  steps: { symbol: 'M', flag: '--M', link: 'M', number: 'integer', help: 'SGD steps wanted; EPOCHS = floor(M / (N (1 - split) / batch))', arg: 'steps' },
  learningRate: { symbol: 'dt', flag: '--dt', link: 'dt', number: 'decimal', help: 'learning rate', arg: 'rate' },
  batchSize: { symbol: 'Nbatch', flag: '--batch', link: 'batch', number: 'integer', help: 'points per SGD step (Nbatch)', arg: 'points' },
  validationSplit: {
    symbol: 'validation_split_ratio',
    flag: '--split',
    link: 'split',
    number: 'decimal',
    help: 'share of the points held out for validation (the last ones)',
    arg: 'ratio',
  },
  dataSeed: { symbol: null, flag: '--seed', link: 'seed', number: 'integer', help: 'data seed, as np.random.seed', arg: 'n' },
  initSeed: { symbol: null, flag: '--init-seed', link: 'initSeed', number: 'integer', help: 'seed of the initial theta and the per-epoch shuffle', arg: 'n' },
  activation: { symbol: null, flag: '--activation', link: 'activation', number: null, help: "the hidden units' activation", arg: 'name' },
  target: { symbol: null, flag: '--target', link: 'target', number: null, help: 'the function to learn', arg: 'name|formula' },
  formula: { symbol: null, flag: '--target', link: 'formula', number: null, help: 'the function to learn, as a formula of x', arg: 'formula' },
  shuffle: { symbol: null, flag: '--no-shuffle', link: 'shuffle', number: null, help: 'shuffle the training points every epoch', arg: '' },
  initialTheta: { symbol: null, flag: '--init', link: null, number: null, help: 'the theta to start from', arg: 'theta.json' },
} as const satisfies Record<keyof ExperimentConfig, FieldFacts>;

type Fields = typeof FIELDS;
/** A config field typed in a box and given by a flag as a number. */
export type NumberFieldName = { [F in keyof Fields]: Fields[F]['number'] extends string ? F : never }[keyof Fields];
/** The link key (and input id) of a numeric field. */
export type NumberLink = Fields[NumberFieldName]['link'];

/** The numeric fields, by their link key: `{ N: 'points', K: 'hiddenUnits', ... }`. */
export const NUMBER_FIELDS = Object.fromEntries((Object.keys(FIELDS) as (keyof Fields)[]).filter((f) => FIELDS[f].number !== null).map((f) => [FIELDS[f].link, f])) as {
  [L in NumberLink]: { [F in NumberFieldName]: Fields[F]['link'] extends L ? F : never }[NumberFieldName];
};

/** A field's name in messages: the field, with the lecture's symbol where it has one (`points (N)`); EPOCHS, derived, as the lecture writes it. */
export function fieldLabel(field: keyof ExperimentConfig | 'epochs'): string {
  if (field === 'epochs') return 'EPOCHS';
  const { symbol } = FIELDS[field];
  return symbol ? `${field} (${symbol})` : field;
}

/** The facts of the field a ConfigError names (EPOCHS, derived, follows from M), or null for a name not in the table. */
function factsOf(field: string): FieldFacts | null {
  if (field === 'epochs') return FIELDS.steps;
  return field in FIELDS ? FIELDS[field as keyof Fields] : null;
}

/** The flag that sets a field, for the command's messages (EPOCHS follows from --M). */
export function fieldFlag(field: string): string | null {
  return factsOf(field)?.flag ?? null;
}

/** The page's link key (and input id) of a field, for its messages (EPOCHS's is M's). */
export function fieldLink(field: string): string | null {
  return factsOf(field)?.link ?? null;
}

/** The option name commander gives a flag (`--init-seed`: `initSeed`). */
export function flagAttribute(flag: string): string {
  return flag.replace(/^--(no-)?/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}
