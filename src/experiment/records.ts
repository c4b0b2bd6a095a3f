/**
 * A run's records as text: the history as JSON and CSV, theta as JSON (also in Keras's layout),
 * and the numbers as Keras prints them. The CLI writes them to files; the page offers them as
 * downloads.
 */
import type { Experiment } from './config';
import type { TrainResult } from './run';
import { ACTIVATIONS, type Activation } from './activation';
import { ConfigError } from '../errors';

/**
 * A number as Keras's progress bar prints it: 4 decimals, or 4 significant digits below 1e-3 (and
 * from 1e21, where JavaScript's fixed notation gives up and would print every digit of the exponent form).
 */
export function kerasNumber(v: number | null): string {
  if (v === null) return '-';
  return Math.abs(v) > 1e-3 && Math.abs(v) < 1e21 ? v.toFixed(4) : v.toExponential(4);
}

/** One epoch's line, as Keras prints it with verbose=1. */
export function epochLine(epoch: number, epochs: number, steps: number, ms: number, loss: number, valLoss: number | null): string {
  const val = valLoss === null ? '' : ` - val_loss: ${kerasNumber(valLoss)}`;
  return `Epoch ${epoch}/${epochs} - ${steps}/${steps} steps - ${Math.round(ms)} ms - loss: ${kerasNumber(loss)}${val}`;
}

/** The line that ends a stopped run: where it stopped, including inside an epoch. */
export function stoppedLine(epochs: number, of: number, partial?: { epoch: number; stepsDone: number; steps: number }): string {
  const inside = partial ? `; stopped in epoch ${partial.epoch} after ${partial.stepsDone} of its ${partial.steps} steps (not in the history)` : '';
  return `Stopped after epoch ${epochs} of ${of}${inside}`;
}

/** history.csv: epoch,loss,val_loss with full precision (val_loss empty without validation). */
export function historyCsv(result: Pick<TrainResult, 'history'>): string {
  const rows = result.history.loss.map((loss, i) => `${i + 1},${loss},${result.history.valLoss[i] ?? ''}`);
  return `epoch,loss,val_loss\n${rows.join('\n')}\n`;
}

/** history.json: the config, what was derived from it, the engine, the per-epoch history in Keras's names. */
export function historyJson(exp: Experiment, result: Omit<TrainResult, 'theta'>) {
  return {
    config: exp.config,
    derived: { epochs: exp.epochs, trainPoints: exp.trainPoints, valPoints: exp.valPoints, stepsPerEpoch: exp.stepsPerEpoch, totalSteps: exp.totalSteps },
    engine: result.engine,
    device: result.device,
    ...(result.softwareAdapter === undefined ? {} : { softwareAdapter: result.softwareAdapter }),
    status: result.status,
    epochsRun: result.epochs,
    dispatches: result.dispatches,
    ...(result.kernel ? { kernel: result.kernel } : {}),
    ...(result.partialEpoch ? { partialEpoch: { ...result.partialEpoch, note: 'stopped inside this epoch; it is not in the history' } } : {}),
    timings: result.timings,
    history: { loss: result.history.loss, val_loss: result.history.valLoss },
  };
}

/**
 * theta.json: theta as K rows [v_k, w_k, b_k], and the same numbers as Keras's
 * `model.get_weights()` of the lecture's model: [hidden kernel 1 x K, hidden bias K, output kernel K x 1].
 * The activation is named (Keras's name), the weights' layout is the same for every one.
 */
export function thetaJson(theta: ArrayLike<number>, activation: Activation) {
  const K = theta.length / 3;
  const row = (k: number) => [theta[3 * k], theta[3 * k + 1], theta[3 * k + 2]];
  const rows = Array.from({ length: K }, (_, k) => row(k));
  return {
    layout: `theta is K x 3, row k = [v_k, w_k, b_k]; alpha(x) = sum_k v_k ${activation}(w_k x + b_k)`,
    K,
    activation,
    formula: networkFormula(theta, activation),
    theta: rows,
    keras_get_weights: [[rows.map((r) => r[1])], rows.map((r) => r[2]), rows.map((r) => [r[0]])],
  };
}

/** A trained network read back from a theta.json (what thetaJson writes): theta flat (K x 3), K and the activation. */
export interface LoadedTheta {
  theta: number[];
  K: number;
  activation: Activation;
}

/**
 * Reads a theta.json; anything else (not JSON, rows not of three finite numbers, K or the
 * activation missing or not matching) is a ConfigError about `initialTheta` saying what is wrong.
 */
export function readThetaJson(text: string): LoadedTheta {
  const refuse = (why: string) => new ConfigError('initialTheta', `not a theta.json of this project: ${why}`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw refuse(`it is not JSON (${(e as Error).message})`);
  }
  const { theta, K, activation } = (typeof json === 'object' && json !== null ? json : {}) as { theta?: unknown; K?: unknown; activation?: unknown };
  if (!Array.isArray(theta) || theta.length === 0) throw refuse('it has no "theta" rows [v, w, b]');
  const bad = theta.findIndex((r) => !Array.isArray(r) || r.length !== 3 || !r.every((v) => typeof v === 'number' && Number.isFinite(v)));
  if (bad >= 0) throw refuse(`row ${bad} of "theta" is not three finite numbers [v, w, b]`);
  if (K !== theta.length) throw refuse(`"K" is ${String(K)} but "theta" has ${theta.length} rows`);
  if (!(ACTIVATIONS as readonly unknown[]).includes(activation)) throw refuse(`"activation" must be one of ${ACTIVATIONS.join(', ')}, got ${String(activation)}`);
  return { theta: (theta as number[][]).flat(), K, activation: activation as Activation };
}

/** Whether a loaded theta fits an experiment: its K and activation; null if it does, else why not. */
export function thetaMismatch(loaded: LoadedTheta, config: { hiddenUnits: number; activation: Activation }): string | null {
  if (loaded.K !== config.hiddenUnits) return `the theta has K = ${loaded.K} hidden units, the experiment K = ${config.hiddenUnits}`;
  if (loaded.activation !== config.activation) return `the theta was trained with ${loaded.activation} units, the experiment has ${config.activation}`;
  return null;
}

const ACTIVATION_SYMBOL: Record<Activation, string> = { sigmoid: 'σ', tanh: 'tanh', relu: 'relu' };

/**
 * The trained network's formula with its numbers in, e.g.
 * `alpha(x) = 3.81 σ(-1.93 x - 6.12) + ...`, to `digits` significant digits, numbers written by
 * `num` (the page's, with a decimal comma in Swedish).
 */
export function networkFormula(
  theta: ArrayLike<number>,
  activation: Activation,
  digits = 3,
  num: (v: number, digits: number) => string = (v, d) => String(Number(v.toPrecision(d))),
): string {
  const signed = (v: number, first: boolean) => (v < 0 ? (first ? '-' : ' - ') : first ? '' : ' + ') + num(Math.abs(v), digits);
  const terms = [];
  for (let k = 0; k < theta.length / 3; k++) {
    const [v, w, b] = [theta[3 * k], theta[3 * k + 1], theta[3 * k + 2]];
    terms.push(`${signed(v, terms.length === 0)} ${ACTIVATION_SYMBOL[activation]}(${signed(w, true)} x${signed(b, false)})`);
  }
  return `alpha(x) = ${terms.join('').trim()}`;
}
