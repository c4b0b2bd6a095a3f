/**
 * `npm run train`: the lecture's experiment (or any config) in headless Chrome on WebGPU,
 * printed epoch by epoch as Keras prints it, written to --out.
 *
 * Exit codes: 0 done; 2 bad input; 3 no WebGPU adapter (or no browser); 4 training diverged;
 * 130 stopped by Ctrl-C (what was done is written); 1 anything else.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { mkdirSync } from 'node:fs';
import type { Page } from 'puppeteer-core';
import { LABELS, type Language } from '../app/i18n';
import { ConfigError, DEFAULT_CONFIG, prepareExperiment, type Experiment, type ExperimentConfig } from '../experiment/config';
import { ENGINES, type EngineName } from '../experiment/run';
import { isTargetName, TARGETS } from '../experiment/targets';
import { ChromeNotFoundError } from './chrome';
import { epochLine, kerasNumber } from '../experiment/records';
import { writePng, writeRun } from './output';
import type { EpochLine, Runner } from './runner';
import { openPage, startSession, type Session } from './session';

/** Exit codes, as the README lists them. */
export const EXIT = { ok: 0, error: 1, badInput: 2, noWebGpu: 3, diverged: 4, interrupted: 130 } as const;

/** The plots' size in pixels: the lecture's figsize=(15, 10) at 80 dpi. */
export const PLOT_SIZE = { width: 1200, height: 800 } as const;

/** The flag that sets each config field, for messages. */
const FLAG: Record<string, string> = {
  points: '--N',
  hiddenUnits: '--K',
  steps: '--M',
  learningRate: '--dt',
  batchSize: '--batch',
  validationSplit: '--split',
  dataSeed: '--seed',
  initSeed: '--init-seed',
  target: '--target',
  formula: '--target',
  epochs: '--M',
};

function number(value: string): number {
  const n = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`expected a number, got "${value}"`);
  return n;
}

/** The command line's parser (commander): flags named after the lecture's parameters. */
export function program(): Command {
  const d = DEFAULT_CONFIG;
  return new Command('train')
    .description("Train the lecture's network alpha(x) = sum_k v_k sigmoid(w_k x + b_k) in headless Chrome on WebGPU.")
    .option('--N <points>', 'data points in all (training + validation)', number, d.points)
    .option('--K <units>', 'hidden sigmoid units', number, d.hiddenUnits)
    .option('--M <steps>', 'SGD steps wanted; EPOCHS = floor(M / (N (1 - split) / batch))', number, d.steps)
    .option('--dt <rate>', 'learning rate', number, d.learningRate)
    .option('--batch <points>', 'points per SGD step (Nbatch)', number, d.batchSize)
    .option('--split <ratio>', 'share of the points held out for validation (the last ones)', number, d.validationSplit)
    .option('--seed <n>', 'data seed, as np.random.seed', number, d.dataSeed)
    .option('--init-seed <n>', 'seed of the initial theta and the per-epoch shuffle', number, d.initSeed)
    .option('--no-shuffle', 'keep the training points in their order every epoch')
    .addOption(new Option('--engine <engine>', 'gpu (fused), gpu-perop (three dispatches a step), cpu (float64), cpu-f32').choices(ENGINES).default('gpu'))
    .option('--target <name|formula>', `the function to learn: ${Object.keys(TARGETS).join(', ')}, or a formula of x such as "sin(2 x)"`, d.target)
    .addOption(new Option('--lang <lang>', 'language of the plots').choices(Object.keys(LABELS)).default('en'))
    .option('--out <dir>', 'where to write history.json, history.csv, theta.json and the plots', 'out')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
}

interface Options {
  N: number;
  K: number;
  M: number;
  dt: number;
  batch: number;
  split: number;
  seed: number;
  initSeed: number;
  shuffle: boolean;
  engine: EngineName;
  target: string;
  lang: Language;
  out: string;
}

/** The experiment config the flags describe. */
export function configFromOptions(o: Options): Partial<ExperimentConfig> {
  return {
    points: o.N,
    hiddenUnits: o.K,
    steps: o.M,
    learningRate: o.dt,
    batchSize: o.batch,
    validationSplit: o.split,
    dataSeed: o.seed,
    initSeed: o.initSeed,
    shuffle: o.shuffle,
    ...(isTargetName(o.target) && o.target !== 'custom' ? { target: o.target } : { target: 'custom', formula: o.target }),
  };
}

const say = (line: string) => process.stdout.write(`${line}\n`);
const complain = (line: string) => process.stderr.write(`${line}\n`);

/** Runs the command line; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  let options: Options;
  try {
    options = program().parse(argv, { from: 'user' }).opts<Options>();
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    throw e;
  }
  let exp: Experiment;
  try {
    exp = prepareExperiment(configFromOptions(options));
  } catch (e) {
    if (e instanceof ConfigError) {
      complain(`error: ${FLAG[e.field] ?? e.field}: ${e.message}`);
      return EXIT.badInput;
    }
    throw e;
  }
  try {
    mkdirSync(options.out, { recursive: true });
  } catch (e) {
    complain(`error: --out: cannot create ${options.out}: ${(e as Error).message}`);
    return EXIT.badInput;
  }

  let session: Session;
  try {
    session = await startSession();
  } catch (e) {
    if (e instanceof ChromeNotFoundError) {
      complain(`error: ${e.message}`);
      return EXIT.noWebGpu;
    }
    throw e;
  }
  try {
    const errors: string[] = [];
    const page = await openPage(session.browser, `${session.baseUrl}src/cli/runner.html`, 'runner', errors);
    return await run(page, exp, options);
  } finally {
    await session.close();
  }
}

async function run(page: Page, exp: Experiment, options: Options): Promise<number> {
  const { engine } = options;
  const gpu = engine === 'gpu' || engine === 'gpu-perop';
  const adapter = await page.evaluate(() => (window as unknown as { runner: Runner }).runner.adapter());
  if (gpu && !adapter.ok) {
    complain(`error: no WebGPU adapter: ${adapter.description}\nTry --engine cpu, which needs no GPU.`);
    return EXIT.noWebGpu;
  }
  const c = exp.config;
  say(
    `Training alpha with K = ${c.hiddenUnits} on ${exp.trainPoints} points (validating on ${exp.valPoints}): ` +
      `${exp.epochs} epochs of ${exp.stepsPerEpoch} steps, batch ${c.batchSize}, dt = ${c.learningRate}, engine ${engine}` +
      (gpu ? ` on ${adapter.description}` : ''),
  );

  let last = performance.now();
  await page.exposeFunction('runnerEpoch', (line: EpochLine) => {
    const now = performance.now();
    say(epochLine(line.epoch, exp.epochs, exp.stepsPerEpoch, now - last, line.loss, line.valLoss));
    last = now;
  });

  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(EXIT.interrupted);
    interrupted = true;
    complain('Stopping after this epoch (Ctrl-C again to quit at once)...');
    void page.evaluate(() => (window as unknown as { runner: Runner }).runner.abort()).catch(() => undefined);
  };
  process.on('SIGINT', onSigint);
  let outcome;
  try {
    outcome = await page.evaluate((config, e) => (window as unknown as { runner: Runner }).runner.train(config, e), exp.config, engine);
  } finally {
    process.off('SIGINT', onSigint);
  }

  const result = outcome.ok ? outcome.result : outcome.partial;
  if (result && result.epochs > 0) {
    const files = writeRun(options.out, exp, result);
    const plots = await page.evaluate(
      (input) => (window as unknown as { runner: Runner }).runner.plots(input),
      { target: c.target, formula: c.formula, alpha: outcome.alpha, loss: result.history.loss, valLoss: result.history.valLoss, lang: options.lang, ...PLOT_SIZE },
    );
    files.push(writePng(options.out, 'alpha.png', plots.alpha), writePng(options.out, 'loss.png', plots.loss));
    const seconds = result.timings.trainMs / 1000;
    const steps = result.epochs * exp.stepsPerEpoch;
    say(
      `${result.status === 'completed' ? 'Done' : 'Stopped'}: ${result.epochs}/${exp.epochs} epochs, ` +
        `loss ${kerasNumber(result.history.loss.at(-1) ?? null)}, val_loss ${kerasNumber(result.history.valLoss.at(-1) ?? null)}, ` +
        `${seconds.toFixed(2)} s, ${Math.round(steps / Math.max(seconds, 1e-9))} steps/s, ${result.dispatches} dispatches, on ${result.device}`,
    );
    say(`Wrote ${files.join(', ')} (plots ${PLOT_SIZE.width} x ${PLOT_SIZE.height})`);
  }
  if (!outcome.ok) {
    complain(`error: ${outcome.error.message}`);
    switch (outcome.error.name) {
      case 'DivergedError':
        return EXIT.diverged;
      case 'WebGpuUnavailableError':
        return EXIT.noWebGpu;
      case 'GpuLimitError':
        return EXIT.badInput;
      default:
        return EXIT.error;
    }
  }
  return interrupted ? EXIT.interrupted : EXIT.ok;
}

// Run when started as a program (tsx src/cli/train.ts), not when imported by a test.
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      complain(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      process.exit(EXIT.error);
    },
  );
}
