/**
 * Step, Play, Pause, Reset: SGD a batch at a time on the chosen engine (a Stepper, see
 * src/experiment/stepping.ts). After each step the page shows that step: its batch's points on
 * the f/alpha chart, each residual alpha(x_i) - y_i as a segment, alpha and the hidden units
 * before the step faded behind the new ones, and the gradient of every unit's (v_k, w_k, b_k).
 */
import type { Experiment, ExperimentConfig } from '../experiment/config';
import type { Activation } from '../experiment/activation';
import type { Labels, Language } from '../plots/i18n';
import { alphaOf, createStepper, type Stepper, type StepView } from '../train';
import { targetFunction } from '../experiment/targets';
import { ChartView } from './chart-view';
import { $ } from './dom';
import type { PageEngine } from './state';

/** What the step view needs of the page. */
export interface StepHost {
  L(): Labels;
  lang(): Language;
  /** The form's config, or null while it is invalid. */
  config(): ExperimentConfig | null;
  engine(): PageEngine;
  /** A full-speed run is in progress (Step and Play wait). */
  busy(): boolean;
  /** Stepping started or ended: the page locks or frees Train and the form. */
  stepping(on: boolean): void;
  charts: { alpha: ChartView; units: ChartView };
  grid: Float64Array;
  /** After each frame: the page's error chart, progress bar and status follow the epochs stepped through, as under Train. */
  progressed(view: StepView, exp: Experiment): void;
}

/** What a test or the page can read. */
export interface StepState {
  stepper: Stepper | null;
  last: StepView | null;
  playing: boolean;
  /** Frames drawn while playing or stepping. */
  frames: number;
  gradientChart: ChartView;
}

/** Wires Step, Play, Pause, Reset and the pace; returns the state and a reset for when the experiment changes. */
export function setupStepView(host: StepHost): { state: StepState; reset: () => void } {
  const state: StepState = { stepper: null, last: null, playing: false, frames: 0, gradientChart: new ChartView('chart-gradient') };
  const el = {
    step: $<HTMLButtonElement>('step'),
    play: $<HTMLButtonElement>('play'),
    pause: $<HTMLButtonElement>('pause'),
    reset: $<HTMLButtonElement>('reset'),
    pace: $<HTMLSelectElement>('pace'),
    status: $('step-status'),
  };
  let working = false;
  /** Pause was pressed: Play stops after the frame in progress (and only then says it is paused). */
  let pauseAsked = false;

  const buttons = () => {
    const finished = state.last?.finished ?? false;
    el.step.disabled = state.playing || working || finished;
    el.play.disabled = state.playing || finished;
    el.pause.disabled = !state.playing;
    el.reset.disabled = state.stepper === null || state.playing;
  };

  /** The stepper for the form's experiment and engine, made on the first step. */
  const stepper = async (): Promise<Stepper | null> => {
    if (state.stepper) return state.stepper;
    const config = host.config();
    if (!config) return null;
    state.stepper = await createStepper(config, host.engine());
    host.stepping(true);
    return state.stepper;
  };

  /** Runs n steps and draws the last; false if it could not. */
  const advance = async (n: number): Promise<boolean> => {
    if (host.busy()) return false;
    working = true;
    buttons();
    try {
      const s = await stepper();
      if (!s) return false;
      const v = await s.steps(n);
      // A Reset while the steps ran: they belong to a stepper that is gone.
      if (state.stepper !== s) return false;
      state.last = v;
      draw(v, s.exp.config.activation, s.exp.epochs, s.exp.stepsPerEpoch);
      host.progressed(v, s.exp);
      state.frames++;
      return !v.finished;
    } catch (e) {
      el.status.textContent = `${host.L().failed} ${(e as Error).message}`;
      return false;
    } finally {
      working = false;
      buttons();
    }
  };

  const draw = (v: StepView, activation: Activation, epochs: number, stepsPerEpoch: number) => {
    const L = host.L();
    const lang = host.lang();
    const { grid } = host;
    const config = host.config();
    const f = config ? grid.map(targetFunction(config.target, config.formula)) : grid.map(() => NaN);
    const alpha = alphaOf(v.theta, grid, activation);
    host.charts.alpha.show('stepAlpha', { grid, f, alpha, before: alphaOf(v.thetaBefore, grid, activation), batch: v.batch, lang });
    host.charts.units.show('stepUnits', { grid, theta: v.theta, before: v.thetaBefore, lang, activation });
    $('units-box').hidden = false;
    $('gradient-box').hidden = false;
    state.gradientChart.show('gradient', { gradient: v.gradient, lang });
    el.status.textContent = L.stepStatus(v.epoch, epochs, v.step, stepsPerEpoch, L.num(v.batchLoss, 4), v.finished);
  };

  const play = async () => {
    if (state.playing) return;
    state.playing = true;
    pauseAsked = false;
    buttons();
    while (!pauseAsked) {
      const more = await advance(Number(el.pace.value));
      if (!more) break;
      await new Promise((r) => requestAnimationFrame(r));
    }
    state.playing = false;
    buttons();
  };

  const reset = () => {
    pauseAsked = true;
    state.playing = false;
    state.stepper?.dispose();
    const had = state.stepper !== null;
    state.stepper = null;
    state.last = null;
    el.status.textContent = '';
    $('gradient-box').hidden = true;
    if (had) host.stepping(false);
    buttons();
  };

  el.step.addEventListener('click', () => void advance(1));
  el.play.addEventListener('click', () => void play());
  el.pause.addEventListener('click', () => {
    pauseAsked = true;
    el.pause.disabled = true;
  });
  el.reset.addEventListener('click', reset);
  buttons();
  return { state, reset };
}
