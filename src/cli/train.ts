/**
 * `webgpu-sgd train` (`npm run train`): the lecture's experiment (or any config) on the GPU or
 * the CPU, printed epoch by epoch as Keras prints it, written to --out. The engines run in this
 * Node process (the GPU through Dawn) or in headless Chrome (`--runtime`, runtimes.ts).
 *
 * Exit codes: 0 done; 2 bad input; 3 no WebGPU adapter (or no browser); 4 training diverged;
 * 130 stopped by Ctrl-C, 143 by SIGTERM (what was done is written either way); 1 anything else.
 */
import { ACTIVATIONS, type Activation } from '../experiment/activation';
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { LABELS, type Language } from '../plots/i18n';
import { DEFAULT_CONFIG, prepareExperiment, type Experiment, type ExperimentConfig } from '../experiment/config';
import { ENGINES, type EngineName } from '../experiment/run';
import { ENGINE_TABLE, enginesHelp, onGpu, SWEEP_ENGINES } from '../experiment/engines';
import { fieldFlag, FIELDS, flagAttribute, NUMBER_FIELDS } from '../experiment/fields';
import { parseDecimal } from '../experiment/numbers';
import { isTargetName, loadTarget, TARGETS } from '../experiment/targets';

import { epochLine, kerasNumber, networkFormula, readThetaJson, stoppedLine, thetaMismatch } from '../experiment/records';
import { pngBytes, prepareOutDir, RUN_FILES, runFiles, SWEEP_FILES, writeWhole, WriteError } from './output';
import type { EpochLine, RunError, SweepLine } from './runner-core';
import { summarizeSweep, sweepCsv, sweepFromAxes, type SweepEngine, type Sweep, type SweepSummary } from '../experiment/sweep';
import type { Runtime } from './runtimes';
import { pickRuntime, RUNTIMES } from './runtime-choice';
import { prepareDawn } from './dawn';
import { restartWith } from './restart';
import { EXIT, watchSignals, type Signals } from './signals';
import type { PhaseTimes, ProgressEvent } from '../experiment/phases';
import { ChromeNotFoundError, ConfigError, DivergedError, EngineUnavailableError, GpuLimitError, SweepError, WebGpuUnavailableError } from '../errors';

/** The plots' size in pixels: the lecture's figsize=(15, 10) at 80 dpi. */
export const PLOT_SIZE = { width: 1200, height: 800 } as const;

/** A flag's number: decimal, as the page takes it (parseDecimal); "0x10" or "Infinity" is refused. */
function number(value: string): number {
  const n = parseDecimal(value);
  if (n === null) throw new InvalidArgumentError(`expected a decimal number, got "${value}"`);
  return n;
}

/** The command line's parser (commander): flags named after the lecture's parameters. */
export function program(): Command {
  const d = DEFAULT_CONFIG;
  const command = new Command('train').description("Train the lecture's network alpha(x) = sum_k v_k sigmoid(w_k x + b_k) on the GPU (WebGPU) or the CPU.");
  // The lecture's numbers, a flag each (fields.ts).
  for (const field of Object.values(NUMBER_FIELDS)) command.option(`${FIELDS[field].flag} <${FIELDS[field].arg}>`, FIELDS[field].help, number, d[field]);
  return command
    .addOption(new Option('--activation <name>', "the hidden units' activation (Keras's names; sigmoid is the lecture's)").choices(ACTIVATIONS).default(d.activation))
    .option('--no-shuffle', 'keep the training points in their order every epoch')
    .option('--init <theta.json>', "start from a trained theta (a theta.json this command or the page wrote); its K and activation must be the experiment's")
    .addOption(new Option('--engine <engine>', enginesHelp()).choices(ENGINES).default('gpu'))
    .option('--target <name|formula>', `the function to learn: ${Object.keys(TARGETS).join(', ')}, or a formula of x such as "sin(2 x)"`, d.target)
    .addOption(new Option('--lang <lang>', 'language of the plots').choices(Object.keys(LABELS)).default('en'))
    .option('--out <dir>', 'where to write history.json, history.csv, theta.json and the plots', 'out')
    .option('--sweep <axes>', 'train many models at once over lr and K, e.g. lr=0.001:0.1:log8,K=2:32:x2 (lo:hi:logN, lo:hi:xF, lo:hi:N or one value)')
    .option('--seeds <n>', 'with --sweep: init seeds per (lr, K) cell', number, 1)
    .option('--calibrate', "choose the fused kernel by measuring again, even if a choice for this shape and adapter is kept in the user's cache")
    .addOption(
      new Option(
        '--runtime <runtime>',
        'where the engines run: node (this process; the GPU through Dawn, the webgpu package), chrome (headless Chrome), or auto: node, unless a GPU engine has no Dawn here or the engine is cpu-workers (Web Workers), then chrome',
      )
        .choices(RUNTIMES)
        .default('auto'),
    )
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
}

interface Options {
  N: number;
  K: number;
  activation: Activation;
  M: number;
  dt: number;
  batch: number;
  split: number;
  seed: number;
  initSeed: number;
  shuffle: boolean;
  init?: string;
  /** --init's theta, read by main. */
  initialTheta?: number[];
  engine: EngineName;
  target: string;
  lang: Language;
  out: string;
  sweep?: string;
  seeds: number;
  calibrate?: boolean;
  runtime: (typeof RUNTIMES)[number];
}

/** The experiment config the flags describe. */
export function configFromOptions(o: Options): Partial<ExperimentConfig> {
  const flags = o as unknown as Record<string, number>;
  return {
    ...Object.fromEntries(Object.values(NUMBER_FIELDS).map((field) => [field, flags[flagAttribute(FIELDS[field].flag)]])),
    activation: o.activation,
    shuffle: o.shuffle,
    ...(o.initialTheta ? { initialTheta: o.initialTheta } : {}),
    ...(isTargetName(o.target) && o.target !== 'custom' ? { target: o.target } : { target: 'custom', formula: o.target }),
  };
}

const say = (line: string) => process.stdout.write(`${line}\n`);
const complain = (line: string) => process.stderr.write(`${line}\n`);

/** Reads --init's theta.json into options.initialTheta; why it cannot be used, or null. */
function readInit(options: Options): string | null {
  if (options.sweep !== undefined) return 'a sweep starts every model from its own seed; --init is for a single run';
  let text: string;
  try {
    text = readFileSync(options.init!, 'utf8');
  } catch (e) {
    return `cannot read ${options.init}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`;
  }
  try {
    const loaded = readThetaJson(text);
    const config = configFromOptions(options);
    const mismatch = thetaMismatch(loaded, { hiddenUnits: config.hiddenUnits!, activation: config.activation! });
    if (mismatch) return `${options.init}: ${mismatch} (--K, --activation)`;
    options.initialTheta = loaded.theta;
    return null;
  } catch (e) {
    if (e instanceof ConfigError) return `${options.init}: ${e.message}`;
    throw e;
  }
}

/** Runs the command line; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  let options: Options;
  try {
    const command = program().parse(argv, { from: 'user' });
    options = command.opts<Options>();
    if (options.sweep === undefined && command.getOptionValueSource('seeds') === 'cli') {
      complain('error: --seeds: seeds are counted per cell of a sweep; give --sweep too (e.g. --sweep lr=0.008 --seeds 8)');
      return EXIT.badInput;
    }
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    throw e;
  }
  if (options.init !== undefined) {
    const why = readInit(options);
    if (why) {
      complain(`error: --init: ${why}`);
      return EXIT.badInput;
    }
  }
  let exp: Experiment;
  let sweep: Sweep | null = null;
  await loadTarget(configFromOptions(options));
  try {
    exp = prepareExperiment(configFromOptions(options));
    if (options.sweep !== undefined) {
      if (!ENGINE_TABLE[options.engine].sweeps) throw new SweepError(`--engine ${options.engine} does not train sweeps; use ${SWEEP_ENGINES.join(', ')}`);
      sweep = sweepFromAxes(configFromOptions(options), options.sweep, options.seeds);
    }
  } catch (e) {
    if (e instanceof ConfigError) {
      complain(`error: ${fieldFlag(e.field) ?? e.field}: ${e.message}`);
      return EXIT.badInput;
    }
    if (e instanceof SweepError) {
      complain(`error: --${e.field}: ${e.message}`);
      return EXIT.badInput;
    }
    throw e;
  }
  // The output folder is checked before any training, so a run is never lost to it.
  const outProblem = prepareOutDir(options.out, sweep ? SWEEP_FILES : RUN_FILES);
  if (outProblem) {
    complain(`error: --out: ${outProblem}`);
    return EXIT.badInput;
  }

  const runtime = options.runtime === 'auto' ? pickRuntime(options.engine) : options.runtime;
  const gpu = onGpu(options.engine);
  if (runtime === 'node' && gpu) {
    // Dawn needs a Vulkan loader (read at process start) and, without a GPU, SwiftShader.
    const restart = prepareDawn();
    if (restart) return restartWith(restart);
  }
  const signals = watchSignals();
  const phases = phaseLines(say);
  const printer: RuntimeHooksBox = { epoch: () => undefined, sweepEpoch: () => undefined, progress: phases.progress, settled: phases.done };
  const hooks = {
    epoch: (l: EpochLine) => (phases.done(), printer.epoch(l)),
    sweepEpoch: (l: SweepLine) => (phases.done(), printer.sweepEpoch(l)),
    progress: phases.progress,
  };
  try {
    let rt: Runtime;
    try {
      // Chrome takes seconds to start: said first, so the wait is never silent.
      if (runtime === 'chrome') say('Starting headless Chrome (the engines run in its runner page)...');
      const runtimes = await import('./runtimes');
      rt = await (runtime === 'node' ? runtimes.nodeRuntime : runtimes.chromeRuntime)(hooks);
    } catch (e) {
      if (e instanceof ChromeNotFoundError || e instanceof EngineUnavailableError) {
        complain(`error: ${e.message}${e instanceof ChromeNotFoundError ? '\nTry --runtime node (the GPU through Dawn: npm i webgpu), or --engine cpu.' : ''}`);
        return EXIT.noWebGpu;
      }
      throw e;
    }
    try {
      signals.attach(rt);
      if (options.calibrate) await rt.recalibrate(true);
      const code = await (sweep ? runSweep(rt, printer, sweep, options, signals) : run(rt, printer, exp, options, signals));
      signals.finished();
      return code;
    } catch (e) {
      if (!(e instanceof WriteError)) throw e;
      complain(`error: ${e.message}`);
      return EXIT.error;
    } finally {
      phases.done();
      await rt.close();
    }
  } finally {
    signals.detach();
  }
}

/** The longest a phase goes unreported: one still going after this gets its line. */
const PHASE_LINE_AFTER_MS = 500;

/** Without a terminal (a log), a long epoch's progress is printed at most this often. */
const LOG_PROGRESS_EVERY_MS = 2000;

/**
 * The command's phase lines: while a run sets up, no half second passes without a line: the set-up
 * as it stands then ("Setting up: compiling kernels, 3 of 5..."), each state once; a quick set-up
 * prints nothing. Inside a long epoch the steps done so far show
 * as Keras's bar on a terminal (`  2400000/8000000 [=======>.....................] - 1.2 s`,
 * rewritten in place and cleared by the epoch's line), or as a line every two seconds in a log.
 * `done` ends what is showing when an epoch's line is to be printed.
 */
export function phaseLines(print: (line: string) => void, tty = process.stdout.isTTY === true): { progress(event: ProgressEvent): void; done(): void } {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let barShown = false;
  let epochStarted = performance.now();
  let epochOf = 0;
  let lastLogged = performance.now();
  const stop = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (barShown) process.stdout.write('\r\x1b[K');
    barShown = false;
  };
  const training = (event: ProgressEvent) => {
    if (event.epoch !== epochOf) {
      epochOf = event.epoch ?? 0;
      epochStarted = performance.now();
    }
    const { done = 0, total = 1 } = event;
    const seconds = ((performance.now() - epochStarted) / 1000).toFixed(1);
    const validating = event.part === 'validation';
    if (tty) {
      const width = 30;
      const filled = Math.floor((width * done) / total);
      const bar = `[${'='.repeat(Math.max(0, filled - 1))}${filled > 0 ? '>' : ''}${'.'.repeat(width - filled)}]`;
      process.stdout.write(`\r\x1b[K${validating ? 'validating ' : ''}${String(done).padStart(String(total).length)}/${total} ${bar} - ${seconds} s`);
      barShown = true;
    } else if (performance.now() - lastLogged >= LOG_PROGRESS_EVERY_MS) {
      print(`  ${done}/${total} ${validating ? 'validation points' : 'steps'} of epoch ${epochOf} (${seconds} s)`);
      lastLogged = performance.now();
    }
  };
  // The set-up's latest event, and when a line last went out: no half second of set-up passes
  // without one, and a state is printed once (a quick set-up prints nothing).
  let latest: ProgressEvent | null = null;
  let printed = '';
  let lastLine = performance.now();
  const due = () => {
    timer = null;
    if (!latest) return;
    const words = LABELS.en.phase(latest.phase, latest.done ?? 0, latest.total ?? 0);
    const line = latest.phase === 'writing' ? `${words.charAt(0).toUpperCase()}${words.slice(1)}...` : `Setting up: ${words}...`;
    if (line !== printed) print(line);
    printed = line;
    lastLine = performance.now();
  };
  return {
    progress: (event) => {
      if (event.phase === 'training') {
        if (timer) stop();
        latest = null;
        if (event.done !== undefined) training(event);
        else lastLogged = epochStarted = performance.now();
        return;
      }
      if (!latest) lastLine = performance.now();
      latest = event;
      timer ??= setTimeout(due, Math.max(0, PHASE_LINE_AFTER_MS - (performance.now() - lastLine)));
    },
    done: () => {
      stop();
      latest = null;
      lastLogged = performance.now();
    },
  };
}

/** "set-up 1.23 s (kernel choice 0.80 s, data 0.01 s, ...)": where a run's set-up went, each phase of 5 ms or more. */
function setupLine(timings: { setupMs: number; phases: PhaseTimes }): string {
  const parts = Object.entries(timings.phases)
    .filter(([, ms]) => ms >= 5)
    .map(([phase, ms]) => `${PHASE_NAMES[phase as keyof PhaseTimes]} ${(ms / 1000).toFixed(2)} s`);
  return `set-up ${(timings.setupMs / 1000).toFixed(2)} s${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

/** The phases' short names in the set-up line. */
const PHASE_NAMES: Record<keyof PhaseTimes, string> = { kernel: 'kernel choice', data: 'data', thetas: 'thetas', compiling: 'compiling', uploading: 'upload' };

/** Where a runtime's epochs are printed (set by the run or sweep that starts). */
interface RuntimeHooksBox {
  epoch(line: EpochLine): void;
  sweepEpoch(line: SweepLine): void;
  /** The command's own phase (writing the files), said as the run's are; `settled` when it is over. */
  progress(event: ProgressEvent): void;
  settled(): void;
}

/** The exit code of each error a run in the page may end with (it arrives as JSON: its name). */
const EXIT_BY_ERROR: [{ prototype: Error }, number][] = [
  [DivergedError, EXIT.diverged],
  [WebGpuUnavailableError, EXIT.noWebGpu],
  [EngineUnavailableError, EXIT.noWebGpu],
  [GpuLimitError, EXIT.badInput],
  [ConfigError, EXIT.badInput],
  [SweepError, EXIT.badInput],
];

/** The exit code of a run that failed in the page. */
function exitCodeOf(name: string): number {
  return EXIT_BY_ERROR.find(([type]) => type.prototype.name === name)?.[1] ?? EXIT.error;
}

/** Says why a run in the runtime failed, naming the flag of the field at fault; its exit code. */
function failed(error: RunError): number {
  const flag = error.field ? (error.name === SweepError.prototype.name ? `--${error.field}` : (fieldFlag(error.field) ?? error.field)) : null;
  complain(`error: ${flag ? `${flag}: ` : ''}${error.message}`);
  return exitCodeOf(error.name);
}

/** `--sweep`: every model at once; a table of their final losses, sweep.csv, sweep.json and heatmap.png. */
async function runSweep(rt: Runtime, printer: RuntimeHooksBox, sweep: Sweep, options: Options, signals: Signals): Promise<number> {
  const gpu = onGpu(options.engine);
  const adapter = gpu ? await rt.adapter() : { ok: true, description: '', software: false };
  if (gpu && !adapter.ok) {
    complain(`error: no WebGPU adapter: ${adapter.description}\nTry --engine cpu, which needs no GPU.`);
    return EXIT.noWebGpu;
  }
  const { base, models } = sweep;
  say(
    `Sweep of ${models.length} models (learning rate x K x ${options.seeds} seeds) on ${base.trainPoints} points: ` +
      `${base.epochs} epochs of ${base.stepsPerEpoch} steps, batch ${base.config.batchSize}, engine ${options.engine}` +
      (gpu ? ` on ${adapterName(adapter)}` : '') +
      ` (${rt.where})`,
  );
  if (gpu && adapter.software) say(`Note: ${LABELS.en.softwareNote(adapter.description)}`);
  printer.sweepEpoch = (line: SweepLine) => {
    const best = line.best
      ? `best val_loss: ${kerasNumber(line.best.valLoss)} (lr ${line.best.model.learningRate.toPrecision(3)}, K ${line.best.model.hiddenUnits}, seed ${line.best.model.initSeed})`
      : 'no model finite';
    say(`Epoch ${line.epoch}/${line.epochs} - ${line.models} models - ${best} - diverged: ${line.diverged}`);
  };
  const outcome = await rt.trainSweep(configFromOptions(options), options.sweep ?? '', options.seeds, options.engine as SweepEngine);
  if (!outcome.ok) return failed(outcome.error);
  const nan = (rows: (number | null)[][]) => rows.map((r) => Float64Array.from(r, (v) => v ?? NaN));
  const result = { loss: nan(outcome.loss), valLoss: nan(outcome.valLoss), divergedAt: outcome.divergedAt };
  const summary = summarizeSweep(models, result);
  printer.progress({ phase: 'writing' });
  const png = await rt.heatmap(summary, options.lang, PLOT_SIZE.width, PLOT_SIZE.height);
  signals.writing();
  const files = writeWhole(options.out, [
    ['sweep.csv', sweepCsv(models, result)],
    [
      'sweep.json',
      JSON.stringify(
        {
          config: base.config,
          epochs: outcome.epochs,
          status: outcome.status,
          device: outcome.device,
          softwareAdapter: outcome.softwareAdapter,
          timings: outcome.timings,
          dispatches: outcome.dispatches,
          models,
          loss: outcome.loss,
          val_loss: outcome.valLoss,
          divergedAt: outcome.divergedAt,
          summary,
        },
        null,
        1,
      ),
    ],
    pngBytes('heatmap.png', png),
  ]);
  printer.settled();

  say(`Final val_loss, mean over ${options.seeds} seed(s) (rows: learning rate, columns: K; "div" = all diverged):`);
  say(sweepTable(summary));
  const diverged = outcome.divergedAt.filter((d) => d !== null).length;
  const best = summary.best;
  say(
    `${outcome.status === 'completed' ? 'Done' : `Stopped after epoch ${outcome.epochs} of ${base.epochs}`}: ${models.length} models, ${outcome.epochs}/${base.epochs} epochs, ${diverged} diverged, ` +
      `${(outcome.timings.trainMs / 1000).toFixed(2)} s (${Math.round((models.length * outcome.epochs * base.stepsPerEpoch) / Math.max(outcome.timings.trainMs / 1000, 1e-9))} model-steps/s), ${dispatchCount(outcome.dispatches)}, on ${outcome.device}${outcome.kernel ? ` (kernel: ${outcome.kernel})` : ''}; ${setupLine(outcome.timings)}` +
      (best
        ? `; best: model ${best.index} (lr ${models[best.index].learningRate.toPrecision(3)}, K ${models[best.index].hiddenUnits}, seed ${models[best.index].initSeed}), val_loss ${kerasNumber(best.valLoss)}`
        : ''),
  );
  say(`Wrote ${files.join(', ')} (heatmap ${PLOT_SIZE.width} x ${PLOT_SIZE.height})`);
  return signals.exitCode() ?? EXIT.ok;
}

async function run(rt: Runtime, printer: RuntimeHooksBox, exp: Experiment, options: Options, signals: Signals): Promise<number> {
  const { engine } = options;
  const gpu = onGpu(engine);
  const adapter = gpu ? await rt.adapter() : { ok: true, description: '', software: false };
  if (gpu && !adapter.ok) {
    complain(`error: no WebGPU adapter: ${adapter.description}\nTry --engine cpu, which needs no GPU.`);
    return EXIT.noWebGpu;
  }
  const c = exp.config;
  say(
    `Training alpha with K = ${c.hiddenUnits}${c.activation === 'sigmoid' ? '' : ` (${c.activation})`} on ${exp.trainPoints} points (validating on ${exp.valPoints}): ` +
      `${exp.epochs} epochs of ${exp.stepsPerEpoch} steps, batch ${c.batchSize}, dt = ${c.learningRate}, engine ${engine}` +
      (gpu ? ` on ${adapterName(adapter)}` : '') +
      ` (${rt.where})`,
  );
  if (gpu && adapter.software) say(`Note: ${LABELS.en.softwareNote(adapter.description)}`);

  let last = performance.now();
  printer.epoch = (line: EpochLine) => {
    const now = performance.now();
    say(epochLine(line.epoch, exp.epochs, exp.stepsPerEpoch, now - last, line.loss, line.valLoss));
    last = now;
  };

  const outcome = await rt.train(exp.config, engine);

  const result = outcome.ok ? outcome.result : outcome.partial;
  if (result) {
    printer.progress({ phase: 'writing' });
    const plots = await rt.plots({
      target: c.target,
      formula: c.formula,
      alpha: outcome.alpha,
      loss: result.history.loss,
      valLoss: result.history.valLoss,
      lang: options.lang,
      ...PLOT_SIZE,
    });
    signals.writing();
    const files = writeWhole(options.out, [...runFiles(exp, result), pngBytes('alpha.png', plots.alpha), pngBytes('loss.png', plots.loss)]);
    printer.settled();
    const seconds = result.timings.trainMs / 1000;
    const steps = result.epochs * exp.stepsPerEpoch;
    say(
      `${result.status === 'completed' ? 'Done' : result.status === 'aborted' ? stoppedLine(result.epochs, exp.epochs, result.partialEpoch) : 'Diverged'}: ${result.epochs}/${exp.epochs} epochs, ` +
        `loss ${kerasNumber(result.history.loss.at(-1) ?? null)}, val_loss ${kerasNumber(result.history.valLoss.at(-1) ?? null)}, ` +
        `${seconds.toFixed(2)} s, ${Math.round(steps / Math.max(seconds, 1e-9))} steps/s, ${dispatchCount(result.dispatches)}, on ${result.device}${result.kernel ? ` (kernel: ${result.kernel})` : ''}; ${setupLine(result.timings)}`,
    );
    say(`Wrote ${files.join(', ')} (plots ${PLOT_SIZE.width} x ${PLOT_SIZE.height})`);
    // The trained network with its numbers in (theta.json keeps it too, whatever K).
    if (exp.config.hiddenUnits <= 10) say(`The network: ${networkFormula(result.theta, exp.config.activation)}`);
  }
  if (!outcome.ok) return failed(outcome.error);
  return signals.exitCode() ?? EXIT.ok;
}

/** The adapter's name, and what it is when it is software ("google swiftshader ... (a software adapter: the CPU pretending to be a GPU)"). */
function adapterName(adapter: { description: string; software: boolean }): string {
  return adapter.software ? `${adapter.description} (${LABELS.en.softwareShort})` : adapter.description;
}

/** "1 dispatch", "12 dispatches". */
function dispatchCount(n: number): string {
  return `${n} dispatch${n === 1 ? '' : 'es'}`;
}

/**
 * The sweep's table: rows learning rate, columns K, each cell the mean final val_loss ("div" when
 * every model of the cell diverged). Columns are as wide as their widest entry plus two spaces,
 * so they never run together.
 */
export function sweepTable(summary: Pick<SweepSummary, 'learningRates' | 'hiddenUnits' | 'cells'>): string {
  const head = ['lr \\ K', ...summary.hiddenUnits.map(String)];
  const rows = summary.learningRates.map((lr, i) => [lr.toPrecision(3), ...summary.cells[i].map((v) => (v === null ? 'div' : kerasNumber(v)))]);
  const width = head.map((_, c) => Math.max(...[head, ...rows].map((r) => r[c].length)));
  const line = (r: string[]) => r.map((t, c) => (c === 0 ? t.padEnd(width[0]) : `  ${t.padStart(width[c])}`)).join('');
  return [head, ...rows].map(line).join('\n');
}
