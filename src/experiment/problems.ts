/**
 * Why an input was refused, as data: the errors of the config, the sweep and the URL carry one, so
 * the page can say it in its own language (src/plots/i18n.ts, problemText) while the command line
 * and the API keep the English message of the error itself.
 */
export type Problem =
  | { kind: 'integer'; min: number; max: number; got: string }
  | { kind: 'positive'; got: string }
  | { kind: 'split'; got: string }
  | { kind: 'noTraining'; split: number; points: number }
  | { kind: 'noEpoch'; minSteps: number }
  | { kind: 'epochs'; epochs: number; limit: number }
  | { kind: 'work'; estimate: number; limit: number; models: number }
  | { kind: 'memory'; bytes: number; limit: number; models: number }
  | { kind: 'formula'; detail: string }
  | { kind: 'notANumber'; text: string }
  | { kind: 'empty' }
  | { kind: 'axisRange'; axis: string; lo: number; hi: number }
  | { kind: 'axisCount'; axis: string; text: string; max: number }
  | { kind: 'axisLog'; axis: string; lo: number }
  | { kind: 'axisGeometric'; axis: string; text: string }
  | { kind: 'axisShape'; axis: string; text: string }
  | { kind: 'axisTooMany'; axis: string; text: string; count: number; max: number }
  | { kind: 'axisRepeated'; axis: string }
  | { kind: 'tooManyModels'; learningRates: number; hiddenUnits: number; seeds: number; count: number; max: number }
  | { kind: 'seeds'; got: string }
  | { kind: 'model'; index: number; learningRate: number; hiddenUnits: number; initSeed: number; problem: Problem }
  | { kind: 'unknown'; text: string };
