/**
 * The page: a student sets up the lecture's experiment, trains it live on the GPU (or the CPU),
 * and watches f and alpha, the errors per epoch and the hidden units change after every epoch.
 */
import { prepareExperiment, type Experiment, type ExperimentConfig } from '../experiment/config';
import { readThetaJson, thetaMismatch, type LoadedTheta } from '../experiment/records';
import { fieldLink } from '../experiment/fields';
import { pickDatasetAsync, plotGrid, type Dataset } from '../experiment/data';
import { yielder } from '../experiment/pause';
import type { TrainResult } from '../experiment/run';
import { onGpu, SWEEP_ENGINES, type EngineName, type SweepEngine } from '../experiment/engines';
import type { Activation } from '../experiment/activation';
import { formulaParserLoaded, loadFormulaParser, TARGETS, targetFormula, targetFunction, type TargetName } from '../experiment/targets';
import { alphaOf, gpuStatus, onDeviceLost, train, warmUp } from '../train';
import { drawTimelineChart, timelineSummary } from './timeline-view';
import { $ } from './dom';
import { ChartView, chartOn, chartsSettled, drawnOncePerFrame } from './chart-view';
import { LABELS, type Labels, type Language } from '../plots/i18n';
import { sampleIndices } from '../plots/sample';
import { setupSweepView, type SweepViewState } from './sweep-view';
import { DEFAULT_STATE, NUMBER_FIELDS, PAGE_ENGINES, parseNumber, PRESETS, stateFromQuery, stateToQuery, type NumberField, type PageEngine, type PageState } from './state';
import { ConfigError, DeviceLostError, DivergedError } from '../errors';
import { download } from './download';
import { setupKernelsView } from './kernels-view';
import { setupResultsView, type PageRun } from './results-view';
import { EpochThetas } from './replay';
import { drawMath, setupMathLines } from './math-view';
import { setupStepView, type StepState } from './step-view';

// The page's own set-up runs a task after the bundle's evaluation: Chrome lays the whole document
// out at the end of parsing, in the same task as the evaluation, and with the labels and the form
// filled in first that layout and the set-up made one task of 60-100 ms on a 2-core machine.
await new Promise((r) => setTimeout(r, 0));

const LANG_KEY = 'webgpu-sgd-lang';
const GRID = plotGrid();

// ---- State: the form is the source of truth while editing; the URL follows it. ----

const initialQuery = location.search;
// mathjs loads when a formula is to be read (targets.ts): here if the link has one, else when chosen.
if (new URLSearchParams(initialQuery).get('target') === 'custom') await loadFormulaParser();
const parsed = stateFromQuery(initialQuery);
let lang: Language = parsed.lang ?? (localStorage.getItem(LANG_KEY) as Language | null) ?? (navigator.language.startsWith('sv') ? 'sv' : 'en');
if (lang !== 'en' && lang !== 'sv') lang = 'en';
let L: Labels = LABELS[lang];
let gpuAvailable = true;

type Run = PageRun & { thetas: EpochThetas };
let running: { controller: AbortController; run: Run } | null = null;
/** Step or Play has a model part-way (step-view.ts): the form and Train wait for Reset. */
let stepping = false;
let lastRun: Run | null = null;

const form = $<HTMLFormElement>('form');
const fields = $<HTMLFieldSetElement>('fields');
const inputs = Object.fromEntries(Object.keys(NUMBER_FIELDS).map((name) => [name, $<HTMLInputElement>(name)])) as Record<NumberField, HTMLInputElement>;
const targetSelect = $<HTMLSelectElement>('target');
const activationSelect = $<HTMLSelectElement>('activation');
const formulaInput = $<HTMLInputElement>('formula');
const engineSelect = engineOptions($<HTMLSelectElement>('engine'), PAGE_ENGINES);
engineOptions($<HTMLSelectElement>('sweep-engine'), SWEEP_ENGINES);

/** Fills an engine select with an option an engine (engines.ts); their texts are set with the language. */
function engineOptions(select: HTMLSelectElement, engines: readonly EngineName[]): HTMLSelectElement {
  select.replaceChildren(
    ...engines.map((engine) => {
      const o = document.createElement('option');
      o.value = engine;
      return o;
    }),
  );
  return select;
}
const trainButton = $<HTMLButtonElement>('train');
const stopButton = $<HTMLButtonElement>('stop');
const progress = $<HTMLProgressElement>('progress');
const status = $('status');
const speed = $('speed');
const showPoints = $<HTMLInputElement>('show-points');

// ---- A trained network to start from (a theta.json the page or the command wrote) ----

/** The form's fields that can be wrong, each with its message element `${name}-error`. */
type FormField = NumberField | 'formula' | 'init';
const initInput = $<HTMLInputElement>('init');
let loadedTheta: LoadedTheta | null = null;
let initProblem: string | null = null;

initInput.addEventListener('change', () => void loadTheta(initInput.files?.[0] ?? null));
$('forget-theta').addEventListener('click', () => {
  initInput.value = '';
  void loadTheta(null);
});

/** Reads the chosen theta.json (or forgets it, for null); Train waits while it cannot be used. */
async function loadTheta(file: File | null): Promise<void> {
  loadedTheta = null;
  initProblem = null;
  if (file) {
    try {
      loadedTheta = readThetaJson(await file.text());
    } catch (e) {
      initProblem = (e as Error).message;
    }
  }
  showTheta();
  validate();
}

function showTheta(): void {
  $('forget-theta').hidden = !loadedTheta && !initProblem;
  $('init-note').textContent = loadedTheta ? L.thetaLoaded(loadedTheta.K, loadedTheta.activation) : '';
  if (window.webgpuSgdPage) window.webgpuSgdPage.loadedTheta = loadedTheta?.theta ?? null;
}

function fillForm(state: PageState): void {
  for (const [name, field] of Object.entries(NUMBER_FIELDS) as [NumberField, keyof ExperimentConfig][]) inputs[name].value = String(state.config[field]);
  targetSelect.value = state.config.target;
  activationSelect.value = state.config.activation;
  formulaInput.value = targetFormula(state.config.target, state.config.formula);
  engineSelect.value = gpuAvailable || !onGpu(state.engine) ? state.engine : 'cpu';
  showPoints.checked = state.showPoints;
}

/** Reads the form: the config, or a message for each bad field (shown next to it). */
function readForm(): { config: ExperimentConfig | null; errors: Partial<Record<FormField, string>> } {
  const errors: Partial<Record<FormField, string>> = {};
  const config: ExperimentConfig = { ...DEFAULT_STATE.config, shuffle: parsed.state.config.shuffle };
  for (const [name, field] of Object.entries(NUMBER_FIELDS) as [NumberField, (typeof NUMBER_FIELDS)[NumberField]][]) {
    const n = parseNumber(inputs[name].value);
    const raw = inputs[name].value.trim();
    if (n === null) errors[name] = L.problemText(raw === '' ? { kind: 'empty' } : { kind: 'notANumber', text: `"${raw.slice(0, 30)}"` });
    else config[field] = n;
  }
  config.target = targetSelect.value as TargetName;
  config.activation = activationSelect.value as Activation;
  config.formula = config.target === 'custom' ? formulaInput.value : undefined;
  if (config.target === 'custom' && !formulaParserLoaded()) errors.formula = L.formulaLoading;
  // A loaded theta.json (the file field): used only if its K and activation are the form's.
  if (initProblem) errors.init = initProblem;
  if (loadedTheta) {
    const mismatch = thetaMismatch(loadedTheta, config);
    if (mismatch) errors.init = mismatch;
    else config.initialTheta = loadedTheta.theta;
  }
  if (Object.keys(errors).length > 0) return { config: null, errors };
  try {
    prepareExperiment(config);
    return { config, errors };
  } catch (e) {
    // Only a formula runs code the user typed: anything else it throws is still its field's message.
    if (!(e instanceof ConfigError)) {
      if (config.target !== 'custom') throw e;
      errors.formula = L.problemText({ kind: 'formula', detail: (e as Error).message });
      return { config: null, errors };
    }
    // The field's box (its link key); a field without one on the form is said under N.
    const link = fieldLink(e.field);
    const name = link !== null && (link === 'formula' || link in NUMBER_FIELDS) ? (link as NumberField | 'formula') : 'N';
    errors[name] = L.problemText(e.problem);
    return { config: null, errors };
  }
}

function currentState(config: ExperimentConfig): PageState {
  return { config, engine: engineSelect.value as PageEngine, showPoints: showPoints.checked };
}

/** Shows each field's message, the derived EPOCHS, and puts a valid state in the URL. */
function validate(): ExperimentConfig | null {
  const { config, errors } = readForm();
  for (const name of [...Object.keys(NUMBER_FIELDS), 'formula', 'init'] as FormField[]) {
    const input = name === 'formula' ? formulaInput : name === 'init' ? initInput : inputs[name];
    $(`${name}-error`).textContent = errors[name] ?? '';
    input.setAttribute('aria-invalid', String(Boolean(errors[name])));
  }
  formulaInput.readOnly = targetSelect.value !== 'custom';
  formulaInput.title = formulaInput.readOnly ? L.formulaReadOnly : '';
  $('formula-hint').hidden = !formulaInput.readOnly;
  trainButton.disabled = running !== null || stepping || config === null;
  if (!config) {
    $('derived').textContent = L.derivedBad;
    return null;
  }
  const exp = prepareExperiment(config);
  $('derived').textContent = L.derived(exp.epochs, exp.stepsPerEpoch, exp.totalSteps);
  history.replaceState(null, '', `?${stateToQuery(currentState(config), lang)}`);
  return config;
}

// ---- Charts: drawn in the chart worker (chart-view.ts), their data posted at most once a frame. ----

const charts = { alpha: new ChartView('chart-alpha'), loss: new ChartView('chart-loss'), units: new ChartView('chart-units') };

/** Redraws the three charts from a run (or just f for the form's config), on the next frame. */
const drawCharts = drawnOncePerFrame((run: Run | null, config: ExperimentConfig | null): void => {
  // The error and the units belong to a run: without one they would be empty frames.
  $('loss-box').hidden = !run;
  $('units-box').hidden = !run;
  const cfg = run?.exp.config ?? config;
  const exp = run?.exp ?? (cfg ? prepareExperiment(cfg) : null);
  const f = cfg ? GRID.map(safeTarget(cfg)) : new Float64Array(0);
  const d = exp && showPoints.checked ? dataFor(exp, () => drawCharts(running?.run ?? lastRun, readForm().config)) : null;
  // Replay: the kept theta of the epoch the slider shows, instead of the run's last.
  const shown = run && run === replayRun ? replayShown() : null;
  const alpha = shown ? alphaOf(shown.theta, GRID, shown.activation) : (run?.alpha ?? null);
  charts.alpha.show('alpha', { grid: GRID, f, alpha, points: d, lang });
  if (!run) return;
  charts.loss.show('loss', { loss: run.loss, valLoss: run.valLoss, lang, validation: exp?.valPoints !== 0, marker: shown?.epoch ?? null, epochs: run.exp.epochs });
  charts.units.show('units', { grid: GRID, theta: shown?.theta ?? run.theta, lang, activation: cfg?.activation ?? 'sigmoid' });
});

// ---- Step, Play, Pause, Reset (step-view.ts): a batch at a time ----

const stepView = setupStepView({
  L: () => L,
  lang: () => lang,
  config: () => readForm().config,
  engine: () => engineSelect.value as PageEngine,
  busy: () => running !== null,
  stepping: (on) => {
    stepping = on;
    // While stepping, the experiment and the engine stay as they are, and Train waits for Reset.
    fields.disabled = on;
    engineSelect.disabled = on;
    trainButton.disabled = on || validate() === null;
    if (!on) {
      drawCharts(null, validate());
      progress.value = 0;
      status.textContent = L.idle;
    }
  },
  progressed: (v, exp) => {
    const { loss, valLoss } = v.history;
    $('loss-box').hidden = loss.length === 0;
    if (loss.length > 0) charts.loss.show('loss', { loss, valLoss, lang, validation: exp.valPoints !== 0, marker: null, epochs: exp.epochs });
    progress.max = exp.epochs * exp.stepsPerEpoch;
    progress.value = v.stepsDone;
    status.textContent = L.progress(loss.length, exp.epochs);
  },
  charts,
  grid: GRID,
});

// ---- The GPU's timeline: what it ran at the end of the last GPU run ----

const timelineChart = new ChartView('chart-timeline');

/** Draws the timeline of a GPU run's result (hides it for a CPU run or none). */
function drawTimeline(result: TrainResult | null): void {
  const t = result?.timeline;
  $('timeline-section').hidden = !t;
  if (!t || !result) return;
  // Per-op: one epoch is 3 dispatches a step and 2 for validation.
  const exp = lastRun?.exp;
  const perOp = result.engine === 'gpu-perop' && exp ? 3 * exp.stepsPerEpoch + 2 : null;
  drawTimelineChart(timelineChart, 'timeline-note', t, lang, L, perOp);
  window.webgpuSgdPage.timeline = { chart: timelineChart, clock: t.clock, bars: t.bars.length, dispatches: timelineSummary(t).dispatches };
}

// ---- Replay (replay.ts): a slider over the kept epochs of the last run ----

const replayInput = $<HTMLInputElement>('replay');
/** The run the slider replays, or null (no slider). */
let replayRun: Run | null = null;

/** Shows the slider for a run that ended, at its last epoch; hides it for null (or a run of one epoch). */
function setReplay(run: Run | null): void {
  const kept = run?.thetas.entries() ?? [];
  replayRun = kept.length > 1 ? run : null;
  $('replay-box').hidden = replayRun === null;
  if (!replayRun) return;
  replayInput.max = String(kept.length - 1);
  replayInput.value = String(kept.length - 1);
  showReplayEpoch();
}

/** The epoch the slider shows, with its theta; null at the last epoch (the run's own final state is shown) or without a slider. */
function replayShown(): { epoch: number; theta: Float64Array; activation: Activation } | null {
  if (!replayRun) return null;
  const kept = replayRun.thetas.entries();
  const at = Number(replayInput.value);
  if (at >= kept.length - 1) return null;
  return { ...kept[at], activation: replayRun.exp.config.activation };
}

function showReplayEpoch(): void {
  const kept = replayRun?.thetas.entries() ?? [];
  const k = kept[Math.min(kept.length - 1, Number(replayInput.value))];
  $('replay-epoch').textContent = k && replayRun ? L.progress(k.epoch, replayRun.exp.epochs) : '';
}

replayInput.addEventListener('input', () => {
  showReplayEpoch();
  drawCharts(replayRun, readForm().config);
});

/** The data points shown of the last experiment: made in slices (a page never waits on 10^7 points), then kept. */
let shownData: { key: string; data: Dataset | null } = { key: '', data: null };

/** The experiment's points to draw if they are made; otherwise starts making them and calls `ready` when they are. */
function dataFor(exp: Experiment, ready: () => void): Dataset | null {
  const c = exp.config;
  const key = JSON.stringify([c.points, c.dataSeed, c.validationSplit, c.target, c.formula]);
  if (shownData.key === key) return shownData.data;
  shownData = { key, data: null };
  // The points a chart draws (at most MAX_DRAWN of each part), made from a task of its own.
  const at = { train: sampleIndices(exp.trainPoints), val: sampleIndices(exp.valPoints) };
  new Promise((r) => setTimeout(r, 0))
    .then(() => pickDatasetAsync(exp, at, yielder()))
    .then(
      (data) => {
        if (shownData.key !== key) return;
        shownData.data = data;
        ready();
      },
      () => undefined,
    );
  return null;
}

function safeTarget(config: ExperimentConfig): (x: number) => number {
  try {
    return targetFunction(config.target, config.formula);
  } catch {
    return () => NaN;
  }
}

// ---- Training ----

function setRunning(on: boolean): void {
  fields.disabled = on;
  engineSelect.disabled = on;
  stopButton.disabled = !on;
  trainButton.disabled = on || validate() === null;
  $<HTMLButtonElement>('compare').disabled = on;
  // Step and Play wait for a full-speed run.
  $<HTMLButtonElement>('step').disabled = on;
  $<HTMLButtonElement>('play').disabled = on;
}

async function startTraining(): Promise<void> {
  const config = validate();
  if (!config || running || stepping) return;
  const engine = engineSelect.value as PageEngine;
  const exp = prepareExperiment(config);
  const run: Run = { engine, exp, loss: [], valLoss: [], theta: null, alpha: null, result: null, thetas: new EpochThetas() };
  setReplay(null);
  $('timeline-section').hidden = true;
  const controller = new AbortController();
  running = { controller, run };
  lastRun = run;
  setRunning(true);
  $('results').hidden = true;
  $('comparison').textContent = '';
  progress.max = exp.epochs;
  progress.value = 0;
  status.textContent = onGpu(engine) ? L.compiling : L.running;
  speed.textContent = '';
  drawCharts(run, config);
  const started = performance.now();
  window.webgpuSgdPage.trainPressedAt = started;
  window.webgpuSgdPage.firstEpochDrawnAt = null;
  try {
    run.result = await train(exp, {
      engine,
      signal: controller.signal,
      alphaAt: GRID,
      thetaEachEpoch: true,
      // What the GPU ran at the end, for the timeline (GPU engines).
      timeline: onGpu(engine),
      // Each phase of the set-up in the status, counted ones on the progress bar (indeterminate otherwise).
      onProgress: (p) => {
        if (p.phase === 'training') {
          // Training begins (a long epoch's steps, reported later, leave the bar counting epochs).
          if (p.done === undefined) {
            progress.max = exp.epochs;
            progress.value = 0;
          }
          return;
        }
        status.textContent = L.phaseStatus(p.phase, p.done ?? 0, p.total ?? 0);
        if (p.total) {
          progress.max = p.total;
          progress.value = p.done ?? 0;
        } else progress.removeAttribute('value');
      },
      onEpoch: (r) => {
        run.loss.push(r.loss);
        run.valLoss.push(r.valLoss);
        run.theta = r.theta ?? null;
        if (r.theta) run.thetas.add(r.epoch, r.theta);
        run.alpha = r.alpha ?? null;
        const seconds = (performance.now() - started) / 1000;
        progress.value = r.epoch;
        status.textContent = `${L.progress(r.epoch, exp.epochs)}`;
        speed.textContent = L.speed((r.epoch * exp.stepsPerEpoch) / Math.max(seconds, 1e-6), seconds);
        drawCharts(run, config);
        // Drawn: the chart worker has drawn the first epoch's error (posted in drawCharts's frame, which comes first).
        if (r.epoch === 1) requestAnimationFrame(() => void charts.loss.drawn().then((at) => (window.webgpuSgdPage.firstEpochDrawnAt ??= at)));
      },
    });
    const inside = run.result.partialEpoch;
    status.textContent = `${L.progress(run.loss.length, exp.epochs)}. ${run.result.status === 'completed' ? L.done : inside ? L.stoppedInside(inside.epoch, inside.stepsDone, inside.steps) : L.stopped}`;
  } catch (e) {
    const err = e as Error & { partial?: TrainResult };
    if (err.partial) run.result = err.partial;
    status.textContent = e instanceof DivergedError ? L.divergedRun(e.epoch, L.num(e.loss, 3)) : e instanceof DeviceLostError ? L.deviceLost : `${L.failed} ${err.message}`;
    if (e instanceof DeviceLostError) showBanner(L.deviceLost);
    if (!(e instanceof DivergedError) && !err.partial) console.warn(e);
  } finally {
    running = null;
    setRunning(false);
    if (run.result) showResults(run);
    drawTimeline(run.result);
    setReplay(run);
    drawCharts(run, config);
  }
}

// ---- What the GPU runs (kernels-view.ts) ----

const kernelsView = setupKernelsView(() => ({ run: lastRun?.result ? lastRun : null, L }));
const drawKernels = (run: PageRun | null) => kernelsView(run, L);

// ---- The math beside the code (math-view.ts): KaTeX loads after the page is up ----

const drawFormulas = () => void drawMath(L).catch((e: unknown) => console.warn('formulas', e));
setupMathLines(() => L);
setTimeout(drawFormulas, 0);

// ---- The run's results, the comparison and the downloads (results-view.ts) ----

const resultsView = setupResultsView({
  L: () => L,
  lang: () => lang,
  gpuAvailable: () => gpuAvailable,
  lastRun: () => lastRun,
  busy: () => running !== null,
  enableTrain: () => void (trainButton.disabled = validate() === null),
  drawKernels,
});
const showResults = (run: Run) => resultsView.show(run);

// ---- Language ----

function applyLanguage(next: Language): void {
  lang = next;
  L = LABELS[lang];
  localStorage.setItem(LANG_KEY, lang);
  document.documentElement.lang = lang;
  document.title = `webgpu-sgd: ${L.title}`;
  $<HTMLSelectElement>('lang').value = lang;
  for (const el of document.querySelectorAll<HTMLElement>('[data-label]')) {
    const value = L[el.dataset.label as keyof Labels];
    if (typeof value === 'string') el.textContent = value;
  }
  for (const o of engineSelect.options) o.textContent = L.engineName(o.value as EngineName);
  for (const o of $<HTMLSelectElement>('sweep-engine').options) o.textContent = L.engineName(o.value as EngineName, true);
  targetSelect.replaceChildren(
    ...[...Object.keys(TARGETS), 'custom'].map((name) => {
      const o = document.createElement('option');
      o.value = name;
      o.textContent = name === 'custom' ? L.custom : `${L.targetName(name)}: ${TARGETS[name as keyof typeof TARGETS].formula}`;
      return o;
    }),
  );
  if (!gpuAvailable) showBanner(`${L.noWebGpu} ${gpuReason}`);
  showUrlNotices();
  if (!running) status.textContent = lastRun?.result ? status.textContent : L.idle;
  if (lastRun?.result) showResults(lastRun);
  else drawKernels(null);
  if (lastRun?.result && !running) drawTimeline(lastRun.result);
  // The formulas' texts, once they are drawn (the first time after start-up).
  if (document.querySelector('.formula')) drawFormulas();
}

/** What the link asked for that could not be used, in the page's language. */
function showUrlNotices(): void {
  if (parsed.problems.length === 0) return;
  const notice = $('notice');
  notice.textContent = `${L.urlNotice}\n${parsed.problems.map((p) => L.urlNoticeLine(p.name, L.problemText(p.problem), p.fallback)).join('\n')}`;
  notice.hidden = false;
}

function showBanner(text: string): void {
  const banner = $('banner');
  banner.textContent = text;
  banner.hidden = false;
}

// ---- Wiring ----

let gpuReason = '';
fillForm(parsed.state);
applyLanguage(lang);
targetSelect.value = parsed.state.config.target;

showUrlNotices();
drawCharts(null, validate());

form.addEventListener('submit', (e) => {
  e.preventDefault();
  void startTraining();
});
form.addEventListener('input', (e) => {
  if (e.target === formulaInput || (e.target as HTMLElement).tagName === 'INPUT') {
    // A changed experiment is not the run the slider would replay.
    if (lastRun && !running) setReplay(null);
    drawCharts(lastRun && !running ? null : lastRun, validate());
  }
});
targetSelect.addEventListener('change', () => {
  const t = targetSelect.value as TargetName;
  if (t !== 'custom') formulaInput.value = TARGETS[t].formula;
  else if (!formulaParserLoaded()) void loadFormulaParser().then(() => drawCharts(null, validate()));
  drawCharts(null, validate());
});
engineSelect.addEventListener('change', () => validate());
activationSelect.addEventListener('change', () => drawCharts(null, validate()));
showPoints.addEventListener('change', () => {
  validate();
  drawCharts(running?.run ?? lastRun, readForm().config);
});
stopButton.addEventListener('click', () => running?.controller.abort());
$('compare').addEventListener('click', () => void resultsView.compare());
/** Settled once the adapter is known: resolved with one, rejected without. */
let gpuKnown: { resolve: () => void; reject: () => void } = { resolve: () => undefined, reject: () => undefined };
const gpuReady = new Promise<void>((resolve, reject) => (gpuKnown = { resolve, reject }));
gpuReady.catch(() => undefined);
const sweepView = setupSweepView({ config: () => readForm().config, lang: () => lang, initialQuery, gpuReady });

$('lang').addEventListener('change', () => {
  applyLanguage($<HTMLSelectElement>('lang').value as Language);
  validate();
  drawCharts(running?.run ?? lastRun, readForm().config);
  sweepView.relabel();
});
for (const preset of Object.keys(PRESETS) as (keyof typeof PRESETS)[]) {
  $(`preset-${preset}`).addEventListener('click', () => {
    fillForm({ ...currentState({ ...PRESETS[preset], formula: TARGETS.lecture.formula }) });
    drawCharts(null, validate());
  });
}
$('copy-formula').addEventListener('click', () => {
  // The clipboard where the browser allows it; else the formula selected, for Ctrl-C.
  const text = $('network-formula').textContent ?? '';
  const selectIt = () => window.getSelection()?.selectAllChildren($('network-formula'));
  if (navigator.clipboard) void navigator.clipboard.writeText(text).then(() => ($('copy-formula').textContent = L.copied), selectIt);
  else selectIt();
});
$('export-csv').addEventListener('click', () => resultsView.exportRun('csv'));
$('export-json').addEventListener('click', () => resultsView.exportRun('json'));
$('export-theta').addEventListener('click', () => resultsView.exportRun('theta'));
for (const name of ['alpha', 'loss', 'units'] as const) {
  $(`export-${name}`).addEventListener('click', () =>
    charts[name].png().then(
      (png) => download(`${name}.png`, 'image/png', png),
      (e: unknown) => console.warn(e),
    ),
  );
}

// Compile the shaders for the form's experiment while the student reads, so Train starts at once.
let warmTimer = 0;
function scheduleWarmUp(): void {
  clearTimeout(warmTimer);
  warmTimer = window.setTimeout(() => {
    const { config } = readForm();
    const engine = engineSelect.value as PageEngine;
    // Compile the pipelines, and for the fused engine measure which kernel suits this shape.
    if (config && gpuAvailable && onGpu(engine))
      void warmUp(prepareExperiment(config), engine).then(
        () => window.webgpuSgdPage.warmUps++,
        () => undefined,
      );
  }, 300);
}
form.addEventListener('input', scheduleWarmUp);

// The adapter is asked for in a task of its own: inside start-up's first task it added 15-30 ms to it.
setTimeout(() => void gpuStatus().then(onGpuStatus), 0);
function onGpuStatus(status: Awaited<ReturnType<typeof gpuStatus>>): void {
  if (status.ok) {
    gpuKnown.resolve();
    return scheduleWarmUp();
  }
  gpuKnown.reject();
  gpuAvailable = false;
  gpuReason = status.description;
  for (const option of engineSelect.options) option.disabled = onGpu(option.value as PageEngine);
  if (onGpu(engineSelect.value as PageEngine)) engineSelect.value = 'cpu';
  const sweepEngine = $<HTMLSelectElement>('sweep-engine');
  for (const option of sweepEngine.options) option.disabled = onGpu(option.value as SweepEngine);
  sweepEngine.value = 'cpu';
  showBanner(`${L.noWebGpu} ${gpuReason}`);
  validate();
}
onDeviceLost(() => {
  if (!running) showBanner(L.deviceLost);
});

/** What the page's tests read: the charts, the last run and the timings of the first epoch. */
declare global {
  interface Window {
    webgpuSgdPage: {
      charts: typeof charts;
      /** Every chart has drawn the last data it was shown (chart-view.ts): their snapshots are current. */
      chartsSettled: () => boolean;
      /** The chart drawn on a canvas, by its id. */
      chart: (canvasId: string) => ChartView | undefined;
      lastRun: () => Run | null;
      running: () => boolean;
      trainPressedAt: number | null;
      firstEpochDrawnAt: number | null;
      /** Warm-ups (shaders compiled, the fused kernel chosen) finished so far. */
      warmUps: number;
      /** Step and Play (step-view.ts). */
      step: StepState;
      /** The last GPU run's timeline as drawn. */
      timeline?: { chart: ChartView; clock: string; bars: number; dispatches: number };
      lastComparison: unknown;
      engines: readonly string[];
      sweep: SweepViewState;
      /** The theta.json loaded to start from (flat K x 3), or null. */
      loadedTheta: number[] | null;
      modelsBench?: Record<number, Record<string, { rate: number | null; ok: boolean }>>;
    };
  }
}

window.webgpuSgdPage = {
  charts,
  chartsSettled,
  chart: chartOn,
  lastRun: () => lastRun,
  running: () => running !== null,
  trainPressedAt: null,
  firstEpochDrawnAt: null,
  warmUps: 0,
  step: stepView.state,
  lastComparison: null,
  engines: PAGE_ENGINES,
  sweep: sweepView.state,
  loadedTheta: null,
};
