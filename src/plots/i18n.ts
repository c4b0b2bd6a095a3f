/** Every label the page, the plots and the CLI show, in English and in the lecture's Swedish. */
import type { Problem } from '../experiment/problems';
import type { EngineName } from '../experiment/engines';

/** A language the project speaks. */
export type Language = 'en' | 'sv';

/** The languages, for a chooser. */

/** A phase's words as a status line: capitalised, with an ellipsis ("Compiling kernels, 3 of 5…"). */
function statusLine(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}…`;
}

const en = {
  // plots
  f: 'f',
  alpha: 'alpha',
  x: 'x',
  yAlpha: 'f(x) and alpha(x)',
  step: 'Step',
  play: 'Play',
  pause: 'Pause',
  reset: 'Reset',
  pace: 'steps a frame',
  stepNote: 'Step and Play go one batch at a time on the chosen engine; Train is full speed.',
  stepStatus: (epoch: number, epochs: number, step: number, steps: number, batchLoss: string, finished: boolean) =>
    `Epoch ${epoch} / ${epochs}, step ${step} / ${steps}: the batch's error before the step was ${batchLoss}.${finished ? ' That was the last step of the run; Reset starts again.' : ''}`,
  alphaBefore: 'alpha before the step',
  residuals: 'residuals alpha(x_i) - y_i',
  batchPoints: "the step's batch",
  gradientTitle: 'The gradient the last step followed, unit by unit (theta moves by -dt times it)',
  gradientY: 'dL / d(v_k, w_k, b_k)',
  timelineTitle: (gpuClock: boolean) =>
    gpuClock ? 'What the GPU ran at the end of the run, on its own clock' : "What the GPU ran at the end of the run, on the host's clock (no GPU timestamps here)",
  timelineX: 'ms from the first bar',
  sweepTimelineModels: (models: number) => `Each bar trains all ${models} models, one invocation or subgroup a model.`,
  timelineY: 'kernel',
  /** A timeline row's name: the kernel's (a WGSL file's name stays as it is). */
  timelineRow: (kernel: string) => kernel,
  timelineNote: (bars: number, dispatches: number, spanMs: string, busyMs: string, perOp: boolean, epochDispatches: number) =>
    `${bars} bars, ${dispatches} dispatches: ${spanMs} ms from the first start to the last end, ${busyMs} ms of it inside the bars.` +
    (perOp ? ` One epoch of this run is ${epochDispatches} dispatches like these; the fused kernel runs whole epochs in one.` : ''),
  replay: 'Replay: epoch',
  replayMarker: (epoch: number) => `epoch ${epoch} shown`,
  yUnits: 'contribution to alpha',
  alphaTitle: 'f and the network alpha on [-4, 4]',
  training: 'Training error',
  validation: 'Validation error',
  epoch: 'Epoch',
  mse: 'Mean squared error',
  lossTitle: 'Training and validation error per epoch',
  unitsTitle: (activation: string) => `The hidden units v_k ${activation}(w_k x + b_k): their sum is alpha`,
  unit: 'unit',
  trainPoints: 'training points',
  valPoints: 'validation points',
  // page
  title: "The math circle's network, trained on your GPU",
  intro:
    'alpha(x) = sum over k of v_k sigmoid(w_k x + b_k) learns f by stochastic gradient descent, as in the Stockholm math-circle lecture of 21 April 2022, but with WebGPU compute shaders instead of Keras on the CPU.',
  experiment: 'Experiment',
  presets: 'Presets',
  example1: 'Lecture, example 1',
  example2: 'Lecture, example 2',
  example2Note: 'Example 2 uses more points (N = 4000), more steps (M = 160 000) and a smaller learning rate (dt = 0.004), as the lecture’s second run does; 50 epochs either way.',
  N: 'N, data points',
  K: 'K, hidden units',
  M: 'M, SGD steps',
  dt: 'dt, learning rate',
  batch: 'Nbatch, points per step',
  split: 'validation split',
  dataSeed: 'data seed',
  initSeed: 'init seed',
  derived: (e: number, s: number, t: number) => `EPOCHS = ${e}: ${s} steps an epoch, ${t} steps in all`,
  derivedBad: 'EPOCHS cannot be computed until the fields above are valid',
  target: 'Target f(x)',
  activation: "Activation (the lecture's: sigmoid)",
  custom: 'custom formula',
  formula: 'formula of x',
  formulaHelp: 'Functions: sin, cos, exp, log, sqrt, abs, ...; x < 0 ? a : b for a step.',
  engine: 'Engine',
  /** An engine's name in the page's selects (`sweep`: in the many-models form), for every engine of engines.ts. */
  engineName: (engine: EngineName, sweep = false): string =>
    sweep && engine === 'gpu'
      ? 'GPU (every model at once)'
      : (
          {
            gpu: 'GPU, fused (whole epochs in one dispatch)',
            'gpu-perop': 'GPU, per-op (three dispatches a step)',
            cpu: 'CPU (JavaScript, float64, one thread)',
            'cpu-f32': 'CPU (JavaScript, float32 as the GPU rounds, one thread)',
            'cpu-wasm': 'CPU (WebAssembly SIMD, float64, one thread)',
            'cpu-workers': 'CPU, all cores (Web Workers)',
          } satisfies Record<EngineName, string>
        )[engine],
  train: 'Train',
  stop: 'Stop',
  showPoints: 'show the data points',
  language: 'Language',
  progress: (e: number, E: number) => `Epoch ${e} / ${E}`,
  speed: (stepsPerSecond: number, seconds: number) => `${Math.round(stepsPerSecond).toLocaleString('en')} steps/s, ${seconds.toFixed(1)} s`,
  idle: 'Press Train.',
  // A software adapter, named as such wherever a GPU figure is shown (the page, the command, the benchmark).
  softwareShort: 'a software adapter: the CPU pretending to be a GPU',
  softwareNote: (adapter: string) =>
    `${adapter} is a software adapter: the CPU pretending to be a GPU (WebGPU run on the processor's own cores). Its times show what the GPU's way of working costs here (a dispatch, a read-back, one fused kernel against many small ones), not what a GPU buys over a CPU. On a real GPU (an NVIDIA H200, measured 2026-11-29) the fused kernel trained 16,384 models at once 396 times as fast as one thread of that machine's CPU (JavaScript); the lecture's single run (40,000 steps, each waiting for the one before) took 13.7 ms there, no faster than one CPU thread (10.4 ms in WebAssembly then).`,
  compiling: 'Starting (compiling shaders)…',
  running: 'Training…',
  done: 'Done.',
  stopped: 'Stopped: the epochs so far are kept.',
  failed: 'Failed:',
  results: 'Results',
  finalLoss: 'final loss',
  finalValLoss: 'final val_loss',
  totalTime: 'training time',
  setupTime: 'setup (data, buffers, shaders)',
  perEpoch: 'time per epoch',
  dispatches: 'GPU dispatches',
  device: 'ran on',
  compareWith: (engine: string) => `Compare with ${engine}`,
  comparing: 'Running the same experiment on the other engine…',
  comparison: (a: string, ta: string, b: string, tb: string, ratio: number) =>
    `${a}: ${ta}; ${b}: ${tb}. ` + (ratio >= 1 ? `${a} took ${ratio.toPrecision(3)} times as long as ${b}.` : `${a} was ${(1 / ratio).toPrecision(3)} times as fast as ${b}.`),
  comparingRun: (i: number, of: number) => `Comparing: run ${i} of ${of}…`,
  comparedHow: (runs: number) =>
    runs > 1 ? `Each time is the median of ${runs} runs after a warm-up run (the range in brackets), training only.` : 'One run each (a long run), training only.',
  agree: (rel: string) => `The results agree: every epoch's loss and val_loss within 1e-3 relative (largest difference ${rel}).`,
  disagree: (rel: string) => `The results DISAGREE: the largest relative difference of an epoch's loss is ${rel}, past 1e-3.`,
  exports: 'Export',
  loadTheta: 'start from a theta.json (a trained network)',
  forgetTheta: 'start from the seed again',
  thetaLoaded: (K: number, activation: string) => `Train starts from the loaded theta (K = ${K}, ${activation}) instead of the seed's.`,
  networkFormula: 'The trained network:',
  copy: 'Copy',
  copied: 'Copied',
  historyCsv: 'history (CSV)',
  historyJson: 'history (JSON)',
  thetaJson: 'theta (JSON, with Keras layout)',
  alphaPng: 'f and alpha (PNG)',
  lossPng: 'errors per epoch (PNG)',
  unitsPng: 'hidden units (PNG)',
  mathSection: 'The math beside the code',
  mathIntro: 'Click a formula to see the WGSL lines that compute it; click a marked line in a kernel to see its formula.',
  mathOr: 'or',
  mathTitle: (key: string) => ({ unit: 'A hidden unit', alpha: 'The network alpha', loss: 'The loss', gradient: 'Its gradient', update: 'One SGD step' })[key] ?? key,
  mathText: (key: string) =>
    ({
      unit: "The activation of w_k x + b_k: the lecture's sigmoid sigma, or tanh or relu if chosen.",
      alpha: 'The network: the hidden units weighted by v_k and added up (in the lecture, v_k is w~_{1,k} and w_k is w_{1,k}).',
      loss: "The mean squared error over the batch's points (Keras's loss='mse'); an epoch's loss is the mean over all its points.",
      gradient: "By the chain rule, with sigma'(z) = sigma(z) (1 - sigma(z)) (tanh: 1 - tanh^2; relu: 1 where z > 0, else 0).",
      update: "A step of stochastic gradient descent with learning rate dt (gamma in the lecture's Algorithm 2), every weight at once.",
    })[key] ?? key,
  mathLines: (wgsl: number, twin: number) => `${wgsl} lines of WGSL compute it, and ${twin} of TypeScript in their CPU twins (marked in the kernels below).`,
  gpuView: 'What the GPU runs',
  gpuViewIntro:
    "Each kernel is a WGSL compute shader. Per-op encodes three dispatches a step; the fused kernels run whole epochs, validation included, in one dispatch, and the host reads back only each epoch's record.",
  dispatchedLast: (n: number) => `dispatched ${n.toLocaleString('en')} time${n === 1 ? '' : 's'} in the last run`,
  kernelForward:
    'One invocation per point of the batch computes the K hidden activations sigma(w_k x + b_k) and alpha(x). It also gives alpha for the validation points and for the 300 plot points.',
  kernelMseGrad:
    'One workgroup per hidden unit sums r_i times the derivative of alpha over the batch, then the partial sums are added up in workgroup memory. Its loss-only mode gives val_loss.',
  kernelSgdUpdate: 'One invocation per entry of theta takes a step against the gradient, then the step counter moves on so the next dispatches take the next batch.',
  kernelFusedCommon:
    'What the fused kernels share: one dispatch runs every step of an epoch for one model or thousands, then the validation error and alpha on the plot points, all written to one record a model.',
  kernelThetaRegisters:
    "A whole theta in one invocation's registers, for the invocation and tiled kernels: the host writes K into the source and unrolls the loops over the units, so each v, w and b is a register.",
  kernelSerialSteps: 'The SGD steps of the invocation and subgroup kernels: each point of a batch in turn, its residual, its gradient added up, then one step of every unit.',
  kernelInvocation: 'One invocation a model, theta in registers: no invocation waits for another, so there is no barrier at all. Chosen when it measured fastest.',
  kernelSubgroup:
    'One subgroup a model: each lane owns some hidden units, and subgroupAdd gives every lane alpha without shared memory or a barrier. Chosen when it measured fastest.',
  kernelTiled:
    'One workgroup a model, for big batches: the batch is dealt out over the workgroup, subgroupAdd and one barrier a step sum the gradient, and every invocation takes the same step. Chosen when it measured fastest.',
  kernelChosen: 'Kernel',
  kernelCommon: 'Shared by every kernel: the layout of theta, the activation (sigmoid, tanh or relu, fixed when the pipeline is made) and the gradient of one unit.',
  twinCommon:
    "The CPU twin of common.wgsl: the same activations and slopes, with the WGSL's order of operations, in float64 or rounded to float32 after every operation as the GPU rounds.",
  twinPerop:
    "The CPU twin of the per-op kernels: forward, mse_grad and sgd_update line for line. The GPU's results are held to it in the tests (float32, within 1e-3), and in float64 it is the reference engine.",
  twinFused:
    'The CPU twin of the fused kernels: a span of steps and the end of an epoch, alpha summed lane by lane as the subgroup kernel sums it. Calibration checks every kernel against it before timing one.',
  noWebGpu: 'No WebGPU here, so the GPU engines are off; the CPU engines work.',
  deviceLost: 'The GPU device was lost; the epochs so far are kept. Train again to get a new device.',
  urlNotice: 'Some settings in the link were not valid and were reset:',
  invalid: 'invalid',
  heatmapTitle: 'Final validation error, mean over seeds (grey: diverged)',
  sweepTitle: 'Many models at once',
  sweepIntro:
    'One network of ten hidden units cannot keep a GPU busy; thousands can. Train a model for every learning rate, K and seed below, all at once, on the experiment set above (its N, M, Nbatch, split and f).',
  sweepLr: 'learning rates (lo:hi:logN)',
  sweepK: 'K values (lo:hi:xF)',
  sweepSeeds: 'seeds per cell',
  sweepTrain: 'Train them all',
  sweepLossTitle: 'Validation error per epoch of every model (best in colour)',
  sweepBest: 'best',
  sweepAlphaTitle: 'f and the best model’s alpha',
  sweepProgress: (e: number, E: number, P: number, d: number) => `Epoch ${e} / ${E} of ${P.toLocaleString('en')} models; ${d} diverged`,
  sweepDone: (P: number, seconds: string, rate: string) => `${P.toLocaleString('en')} models in ${seconds} s: ${rate} models/s.`,
  sweepBestModel: (lr: string, K: number, seed: number, v: string) => `Best: learning rate ${lr}, K = ${K}, seed ${seed}, val_loss ${v}.`,
  sweepCompared: (a: string, ra: string, b: string, rb: string, ratio: string) => `${a}: ${ra} models/s; ${b}: ${rb} models/s; ratio ${ratio}.`,
  sweepFaded: (shown: number, P: number) => `(${shown} of ${P} curves drawn)`,
  modelsBenchTitle: 'How many models a second?',
  modelsBenchIntro:
    'Times P = 1, 64, 1024 and 16384 models at once (batch 8, 100 steps each) on each engine, after checking every model against the CPU. The ratio is against one CPU thread.',
  modelsBenchRun: 'Run the benchmark',
  modelsBenchRunning: (P: number, engine: string) => `Timing P = ${P} on ${engine}…`,
  modelsBenchDone: 'Done.',
  modelsBenchP: 'P models',
  modelsBenchDisagree: 'disagrees',
  // numbers, problems and states (every string the page shows comes from here)
  num: (v: number, digits: number) => v.toPrecision(digits),
  /** A number in scientific notation as a reader writes it: 2.3 × 10⁻⁵. */
  sci: (v: number, digits: number) => scientific(v, digits, '.', '×'),
  /** A whole number with the language's thousands separator. */
  int: (v: number) => Math.round(v).toLocaleString('en'),
  problemText: (p: Problem): string => problemEn(p),
  urlNoticeLine: (name: string, why: string, fallback: string | null) => `${name}: ${why}${fallback === null ? '' : `; using ${fallback}`}`,
  divergedRun: (epoch: number, loss: string) => `Training diverged at epoch ${epoch}: the loss became ${loss}. Try a smaller learning rate (dt).`,
  stoppedInside: (epoch: number, done: number, steps: number) =>
    `Stopped inside epoch ${epoch}, after ${done.toLocaleString('en')} of its ${steps.toLocaleString('en')} steps; that epoch is not in the history.`,
  divergedCell: 'diverged',
  divergedShort: 'div.',
  divergedCount: (n: number) => `(${n} diverged)`,
  kernelName: (variant: string, size: number) =>
    variant === 'subgroup' ? `subgroup, ${size} lanes a model` : variant === 'tiled' ? `tiled, ${size} invocations a model` : `invocation a model, ${size} a workgroup`,
  cpuDevice: 'CPU, JavaScript, float64, one thread',
  cpuWasmDevice: 'CPU, WebAssembly SIMD (f64x2), float64, one thread',
  formulaReadOnly: 'Choose “custom formula” above to type your own f.',
  formulaLoading: 'loading the formula parser (mathjs) …',
  twinAgree: (rel: string) => `Against the float32 CPU twin (the same arithmetic as the GPU): every epoch within 1e-3 relative (largest difference ${rel}).`,
  twinDisagree: (rel: string) => `Against the float32 CPU twin (the same arithmetic as the GPU): a difference of ${rel}, past 1e-3; this is a fault, please report it.`,
  float64Diff: (rel: string) =>
    `Against float64: largest relative difference ${rel}. float32 keeps about 7 digits and each SGD step carries the last step's rounding on, so float32 and float64 runs drift apart, most where training is unstable.`,
  sweepStopped: (epochs: number, E: number, P: number, seconds: string, rate: string) =>
    `Stopped after epoch ${epochs} of ${E}: ${P.toLocaleString('en')} models, ${seconds} s for what ran, ${rate} models/s.`,
  sweepTwin: (ok: boolean, rel: string, chaotic: number) =>
    ok
      ? `Against the float32 CPU twin (the same arithmetic): every model within 1e-3 (largest difference ${rel}).`
      : `Against the float32 CPU twin (the same arithmetic): ${chaotic} model(s) differ past 1e-3 (largest ${rel}); these are the unstable ones, where even a difference in the last bit of a sum grows step by step.`,
  sweepFloat64: (rel: string) =>
    `Against float64: largest relative difference ${rel}, because float32 rounding, carried from step to step, grows fastest where training is unstable.`,
  sweepRunning: 'Training every model…',
  targetName: (name: string) => name,
  // A run's phases as it sets up (src/experiment/phases.ts): the page's status and the command's phase lines.
  phase: (phase: string, done: number, total: number) =>
    ({
      kernel:
        total > 0
          ? `choosing the fastest kernel for this shape: ${done} of ${total} variants measured (once per adapter, then kept)`
          : 'choosing the fastest kernel for this shape (measured once per adapter, then kept)',
      data: 'making the data points',
      thetas: 'drawing the initial thetas',
      compiling: total > 0 ? `compiling kernels, ${done} of ${total}` : 'compiling',
      uploading: 'uploading the data to the GPU',
      training: 'training',
      writing: 'drawing the plots and writing the files',
    })[phase] ?? phase,
  /** A phase as the page's status shows it: "Compiling kernels, 3 of 5…". */
  phaseStatus: (phase: string, done: number, total: number) => statusLine(en.phase(phase, done, total)),
} as const;

/** The labels of one language. */
export type Labels = { [K in keyof typeof en]: (typeof en)[K] extends (...a: infer A) => string ? (...a: A) => string : string };

const sv: Labels = {
  f: 'f',
  alpha: 'alfa',
  x: 'x',
  yAlpha: 'f(x) och alfa(x)',
  step: 'Ett steg',
  play: 'Spela',
  pause: 'Paus',
  reset: 'Börja om',
  pace: 'steg per bildruta',
  stepNote: 'Ett steg och Spela tar en batch i taget med vald motor; Träna kör för fullt.',
  stepStatus: (epoch: number, epochs: number, step: number, steps: number, batchLoss: string, finished: boolean) =>
    `Epok ${epoch} / ${epochs}, steg ${step} / ${steps}: batchens fel före steget var ${batchLoss}.${finished ? ' Det var körningens sista steg; Börja om startar på nytt.' : ''}`,
  alphaBefore: 'alfa före steget',
  residuals: 'residualer alfa(x_i) - y_i',
  batchPoints: 'stegets batch',
  gradientTitle: 'Gradienten som senaste steget följde, nod för nod (theta flyttas med -dt gånger den)',
  gradientY: 'dL / d(v_k, w_k, b_k)',
  timelineTitle: (gpuClock: boolean) =>
    gpuClock ? 'Vad GPU:n körde i slutet av körningen, med dess egen klocka' : 'Vad GPU:n körde i slutet av körningen, med värdens klocka (ingen GPU-tidtagning här)',
  timelineX: 'ms från första stapeln',
  sweepTimelineModels: (models: number) => `Varje stapel tränar alla ${models} modeller, en tråd eller undergrupp per modell.`,
  timelineY: 'kärna',
  timelineRow: (kernel) => ({ fused: 'sammanslagen', 'per-op epoch': 'per-op-epok' })[kernel] ?? kernel,
  timelineNote: (bars: number, dispatches: number, spanMs: string, busyMs: string, perOp: boolean, epochDispatches: number) =>
    `${bars} staplar, ${dispatches} anrop: ${spanMs} ms från första start till sista slut, varav ${busyMs} ms inuti staplarna.` +
    (perOp ? ` En epok av den här körningen är ${epochDispatches} sådana anrop; den sammanslagna kärnan kör hela epoker i ett.` : ''),
  replay: 'Spela upp: epok',
  replayMarker: (epoch: number) => `epok ${epoch} visas`,
  yUnits: 'bidrag till alfa',
  alphaTitle: 'f och nätverket alfa på [-4, 4]',
  training: 'Träningsfelet',
  validation: 'Generaliseringsfelet',
  epoch: 'Epok',
  mse: 'Medelkvadratfel',
  lossTitle: 'Träningsfelet och generaliseringsfelet per epok',
  unitsTitle: (activation: string) => `De dolda noderna v_k ${activation === 'sigmoid' ? 'sigma' : activation}(w_k x + b_k): deras summa är alfa`,
  unit: 'nod',
  trainPoints: 'träningspunkter',
  valPoints: 'valideringspunkter',
  title: 'Matematikcirkelns nätverk, tränat på din GPU',
  intro:
    'alfa(x) = summan över k av v_k sigma(w_k x + b_k) lär sig f med stokastisk gradientnedstigning, som i matematikcirkelns föreläsning den 21 april 2022, men med WebGPU-beräkningsskuggare i stället för Keras på processorn.',
  experiment: 'Experiment',
  presets: 'Förval',
  example1: 'Föreläsningen, exempel 1',
  example2: 'Föreläsningen, exempel 2',
  example2Note: 'Exempel 2 har fler punkter (N = 4000), fler steg (M = 160 000) och lägre inlärningshastighet (dt = 0,004), som föreläsningens andra körning; 50 epoker i båda.',
  N: 'N, datapunkter',
  K: 'K, dolda noder',
  M: 'M, SGD-steg',
  dt: 'dt, inlärningshastighet',
  batch: 'Nbatch, punkter per steg',
  split: 'valideringsandel',
  dataSeed: 'datafrö',
  initSeed: 'initieringsfrö',
  derived: (e, s, t) => `EPOCHS = ${e}: ${s} steg per epok, ${t} steg totalt`,
  derivedBad: 'EPOCHS kan inte räknas ut förrän fälten ovan är giltiga',
  target: 'Målfunktion f(x)',
  activation: 'Aktivering (föreläsningens: sigmoid)',
  custom: 'egen formel',
  formula: 'formel i x',
  formulaHelp: 'Funktioner: sin, cos, exp, log, sqrt, abs, ...; x < 0 ? a : b för ett steg.',
  engine: 'Motor',
  engineName: (engine, sweep = false) =>
    sweep && engine === 'gpu'
      ? 'GPU (alla modeller på en gång)'
      : (
          {
            gpu: 'GPU, sammanslagen (hela epoker i ett anrop)',
            'gpu-perop': 'GPU, per operation (tre anrop per steg)',
            cpu: 'CPU (JavaScript, float64, en tråd)',
            'cpu-f32': 'CPU (JavaScript, float32 som GPU:n avrundar, en tråd)',
            'cpu-wasm': 'CPU (WebAssembly SIMD, float64, en tråd)',
            'cpu-workers': 'CPU, alla kärnor (Web Workers)',
          } satisfies Record<EngineName, string>
        )[engine],
  train: 'Träna',
  stop: 'Stoppa',
  showPoints: 'visa datapunkterna',
  language: 'Språk',
  progress: (e, E) => `Epok ${e} / ${E}`,
  speed: (sps, s) => `${Math.round(sps).toLocaleString('sv')} steg/s, ${s.toFixed(1).replace('.', ',')} s`,
  idle: 'Tryck på Träna.',
  softwareShort: 'ett mjukvarugrafikkort: processorn som låtsas vara ett grafikkort',
  softwareNote: (adapter) =>
    `${adapter} är ett mjukvarugrafikkort: processorn som låtsas vara ett grafikkort (WebGPU körs på processorns egna kärnor). Tiderna visar vad grafikkortets arbetssätt kostar här (ett anrop, en avläsning, en sammanslagen kärna mot många små), inte vad ett grafikkort vinner över en processor. På ett riktigt grafikkort (en NVIDIA H200, mätt 2026-11-29) tränade den sammanslagna kärnan 16 384 modeller på en gång 396 gånger så snabbt som en tråd på den maskinens processor (JavaScript); föreläsningens enda körning (40 000 steg, vart och ett väntar på det förra) tog där 13,7 ms, inte snabbare än en processortråd (10,4 ms i WebAssembly då).`,
  compiling: 'Startar (kompilerar skuggare)…',
  running: 'Tränar…',
  done: 'Klart.',
  stopped: 'Stoppad: epokerna hittills finns kvar.',
  failed: 'Misslyckades:',
  results: 'Resultat',
  finalLoss: 'slutligt loss',
  finalValLoss: 'slutligt val_loss',
  totalTime: 'träningstid',
  setupTime: 'förberedelse (data, buffertar, skuggare)',
  perEpoch: 'tid per epok',
  dispatches: 'GPU-anrop',
  device: 'kördes på',
  compareWith: (engine) => `Jämför med ${engine}`,
  comparing: 'Kör samma experiment på den andra motorn…',
  comparison: (a, ta, b, tb, ratio) =>
    `${a}: ${ta}; ${b}: ${tb}. ` + (ratio >= 1 ? `${a} tog ${svNum(ratio, 3)} gånger så lång tid som ${b}.` : `${a} var ${svNum(1 / ratio, 3)} gånger så snabb som ${b}.`),
  comparingRun: (i, of) => `Jämför: körning ${i} av ${of}…`,
  comparedHow: (runs) =>
    runs > 1
      ? `Varje tid är medianen av ${runs} körningar efter en uppvärmningskörning (spannet inom parentes), bara träningen.`
      : 'En körning var (en lång körning), bara träningen.',
  agree: (rel) => `Resultaten stämmer: varje epoks loss och val_loss inom 10⁻³ relativt (största skillnad ${rel}).`,
  disagree: (rel) => `Resultaten STÄMMER INTE: största relativa skillnaden i en epoks loss är ${rel}, mer än 10⁻³.`,
  exports: 'Exportera',
  loadTheta: 'börja från en theta.json (ett tränat nätverk)',
  forgetTheta: 'börja från fröet igen',
  thetaLoaded: (K, activation) => `Träna börjar från den inlästa thetan (K = ${K}, ${activation}) i stället för fröets.`,
  networkFormula: 'Det tränade nätverket:',
  copy: 'Kopiera',
  copied: 'Kopierad',
  historyCsv: 'historik (CSV)',
  historyJson: 'historik (JSON)',
  thetaJson: 'theta (JSON, med Keras-layout)',
  alphaPng: 'f och alfa (PNG)',
  lossPng: 'felen per epok (PNG)',
  unitsPng: 'dolda noder (PNG)',
  mathSection: 'Matematiken bredvid koden',
  mathIntro: 'Klicka på en formel för att se raderna i WGSL som beräknar den; klicka på en markerad rad i en kärna för att se dess formel.',
  mathOr: 'eller',
  mathTitle: (key: string) => ({ unit: 'En dold nod', alpha: 'Nätverket alfa', loss: 'Förlustfunktionen', gradient: 'Dess gradient', update: 'Ett SGD-steg' })[key] ?? key,
  mathText: (key: string) =>
    ({
      unit: 'Aktiveringen av w_k x + b_k: föreläsningens sigmoid sigma, eller tanh eller relu om de väljs.',
      alpha: 'Nätverket: de dolda noderna viktade med v_k och summerade (i föreläsningen heter v_k w~_{1,k} och w_k heter w_{1,k}).',
      loss: "Medelkvadratfelet över batchens punkter (Keras loss='mse'); en epoks förlust är medelvärdet över alla dess punkter.",
      gradient: "Enligt kedjeregeln, med sigma'(z) = sigma(z) (1 - sigma(z)) (tanh: 1 - tanh^2; relu: 1 där z > 0, annars 0).",
      update: 'Ett steg av stokastisk gradientnedstigning med inlärningshastighet dt (gamma i föreläsningens Algoritm 2), alla vikter på en gång.',
    })[key] ?? key,
  mathLines: (wgsl: number, twin: number) => `${wgsl} rader WGSL beräknar den, och ${twin} rader TypeScript i deras CPU-tvillingar (markerade i kärnorna nedan).`,
  gpuView: 'Vad GPU:n kör',
  gpuViewIntro:
    'Varje kärna är en WGSL-beräkningsskuggare. Per operation kodar tre anrop per steg; de sammanslagna kärnorna kör hela epoker, validering inräknad, i ett anrop, och värden läser bara tillbaka varje epoks post.',
  dispatchedLast: (n) => `anropad ${n.toLocaleString('sv')} ${n === 1 ? 'gång' : 'gånger'} i senaste körningen`,
  kernelForward:
    'En tråd per punkt i batchen räknar ut de K dolda aktiveringarna sigma(w_k x + b_k) och alfa(x). Den ger också alfa för valideringspunkterna och för de 300 punkterna i grafen.',
  kernelMseGrad:
    'En arbetsgrupp per dold nod summerar r_i gånger derivatan av alfa över batchen, och delsummorna läggs ihop i arbetsgruppens minne. Dess läge för bara förlust ger val_loss.',
  kernelSgdUpdate: 'En tråd per element i theta tar ett steg mot gradienten, sedan flyttas stegräknaren så att nästa anrop tar nästa batch.',
  kernelFusedCommon:
    'Det de sammansmälta kärnorna delar: ett anrop kör alla steg i en epok för en modell eller tusentals, sedan valideringsfelet och alfa i grafens punkter, allt skrivet till en post per modell.',
  kernelThetaRegisters:
    'Hela theta i en tråds register, för kärnorna med en tråd och en arbetsgrupp per modell: värden skriver in K i källkoden och vecklar ut looparna över noderna, så att varje v, w och b är ett register.',
  kernelSerialSteps:
    'SGD-stegen i kärnorna med en tråd och en undergrupp per modell: varje punkt i batchen i tur och ordning, dess residual, dess gradient summerad, sedan ett steg för varje nod.',
  kernelInvocation: 'En tråd per modell, theta i register: ingen tråd väntar på en annan, så det finns ingen barriär alls. Väljs när den mättes snabbast.',
  kernelSubgroup: 'En undergrupp per modell: varje bana äger några dolda noder, och subgroupAdd ger alla banor alfa utan delat minne eller barriär. Väljs när den mättes snabbast.',
  kernelTiled:
    'En arbetsgrupp per modell, för stora batcher: batchen delas ut över arbetsgruppen, subgroupAdd och en barriär per steg summerar gradienten, och alla trådar tar samma steg. Väljs när den mättes snabbast.',
  kernelChosen: 'Kärna',
  kernelCommon: 'Delas av alla kärnor: hur theta ligger i minnet, aktiveringen (sigmoid, tanh eller relu, vald när pipelinen skapas) och gradienten för en nod.',
  twinCommon:
    'CPU-tvillingen till common.wgsl: samma aktiveringar och derivator, i samma ordning som i WGSL, i float64 eller avrundat till float32 efter varje operation som GPU:n gör.',
  twinPerop:
    'CPU-tvillingen till per-op-kärnorna: forward, mse_grad och sgd_update rad för rad. GPU:ns resultat jämförs med den i testerna (float32, inom 10⁻³), och i float64 är den referensmotorn.',
  twinFused:
    'CPU-tvillingen till de sammanslagna kärnorna: en följd av steg och slutet av en epok, alpha summerad fil för fil som subgrupps-kärnan summerar. Kalibreringen kontrollerar varje kärna mot den innan den tas tid på.',
  noWebGpu: 'Ingen WebGPU här, så GPU-motorerna är avstängda; CPU-motorerna fungerar.',
  deviceLost: 'GPU-enheten förlorades; epokerna hittills finns kvar. Träna igen för att få en ny enhet.',
  urlNotice: 'Några inställningar i länken var ogiltiga och återställdes:',
  invalid: 'ogiltigt',
  heatmapTitle: 'Slutligt generaliseringsfel, medel över frön (grått: divergerade)',
  sweepTitle: 'Många modeller på en gång',
  sweepIntro:
    'Ett nätverk med tio dolda noder kan inte hålla en GPU sysselsatt; tusentals kan det. Träna en modell för varje inlärningshastighet, K och frö nedan, alla på en gång, på experimentet ovan (dess N, M, Nbatch, valideringsandel och f).',
  sweepLr: 'inlärningshastigheter (lo:hi:logN)',
  sweepK: 'K-värden (lo:hi:xF)',
  sweepSeeds: 'frön per cell',
  sweepTrain: 'Träna alla',
  sweepLossTitle: 'Generaliseringsfelet per epok för varje modell (den bästa i färg)',
  sweepBest: 'bäst',
  sweepAlphaTitle: 'f och den bästa modellens alfa',
  sweepProgress: (e, E, P, d) => `Epok ${e} / ${E} för ${P.toLocaleString('sv')} modeller; ${d} divergerade`,
  sweepDone: (P, seconds, rate) => `${P.toLocaleString('sv')} modeller på ${seconds} s: ${rate} modeller/s.`,
  sweepBestModel: (lr, K, seed, v) => `Bäst: inlärningshastighet ${lr}, K = ${K}, frö ${seed}, val_loss ${v}.`,
  sweepCompared: (a, ra, b, rb, ratio) => `${a}: ${ra} modeller/s; ${b}: ${rb} modeller/s; kvot ${ratio}.`,
  sweepFaded: (shown, P) => `(${shown} av ${P} kurvor ritade)`,
  modelsBenchTitle: 'Hur många modeller per sekund?',
  modelsBenchIntro:
    'Tar tid på P = 1, 64, 1024 och 16384 modeller på en gång (batch 8, 100 steg var) med varje motor, efter att varje modell kontrollerats mot processorn. Kvoten är mot en processortråd.',
  modelsBenchRun: 'Kör mätningen',
  modelsBenchRunning: (P, engine) => `Mäter P = ${P} på ${engine}…`,
  modelsBenchDone: 'Klart.',
  modelsBenchP: 'P modeller',
  modelsBenchDisagree: 'stämmer inte',
  num: (v, digits) => svNum(v, digits),
  sci: (v, digits) => scientific(v, digits, ',', '·'),
  int: (v) => Math.round(v).toLocaleString('sv'),
  problemText: (p) => problemSv(p),
  urlNoticeLine: (name, why, fallback) => `${name}: ${why}${fallback === null ? '' : `; använder ${fallback.replace('.', ',')}`}`,
  divergedRun: (epoch, loss) => `Träningen divergerade i epok ${epoch}: felet blev ${loss}. Pröva en lägre inlärningshastighet (dt).`,
  stoppedInside: (epoch, done, steps) =>
    `Stoppad inne i epok ${epoch}, efter ${done.toLocaleString('sv')} av dess ${steps.toLocaleString('sv')} steg; den epoken finns inte i historiken.`,
  divergedCell: 'divergerade',
  divergedShort: 'div.',
  divergedCount: (n) => `(${n} divergerade)`,
  kernelName: (variant, size) =>
    variant === 'subgroup'
      ? `undergrupp, ${size} banor per modell`
      : variant === 'tiled'
        ? `arbetsgrupp, ${size} trådar per modell`
        : `en tråd per modell, ${size} per arbetsgrupp`,
  cpuDevice: 'CPU, JavaScript, float64, en tråd',
  cpuWasmDevice: 'CPU, WebAssembly SIMD (f64x2), float64, en tråd',
  formulaReadOnly: 'Välj ”egen formel” ovan för att skriva ett eget f.',
  formulaLoading: 'laddar formeltolken (mathjs) …',
  twinAgree: (rel) => `Mot CPU-tvillingen i float32 (samma aritmetik som GPU:n): varje epok inom 10⁻³ relativt (största skillnad ${rel}).`,
  twinDisagree: (rel) => `Mot CPU-tvillingen i float32 (samma aritmetik som GPU:n): en skillnad på ${rel}, mer än 10⁻³; det är ett fel, rapportera det gärna.`,
  float64Diff: (rel) =>
    `Mot float64: största relativa skillnad ${rel}. float32 har ungefär 7 siffror och varje SGD-steg bär med sig förra stegets avrundning, så körningar i float32 och float64 glider isär, mest där träningen är instabil.`,
  sweepStopped: (epochs, E, P, seconds, rate) => `Stoppad efter epok ${epochs} av ${E}: ${P.toLocaleString('sv')} modeller, ${seconds} s för det som kördes, ${rate} modeller/s.`,
  sweepTwin: (ok, rel, chaotic) =>
    ok
      ? `Mot CPU-tvillingen i float32 (samma aritmetik): varje modell inom 10⁻³ (största skillnad ${rel}).`
      : `Mot CPU-tvillingen i float32 (samma aritmetik): ${chaotic} modell(er) skiljer mer än 10⁻³ (största ${rel}); det är de instabila, där till och med en skillnad i sista biten av en summa växer steg för steg.`,
  sweepFloat64: (rel) =>
    `Mot float64: största relativa skillnad ${rel}, eftersom avrundningen i float32, som förs vidare från steg till steg, växer snabbast där träningen är instabil.`,
  sweepRunning: 'Tränar alla modeller…',
  targetName: (name) => ({ lecture: 'föreläsningen', step: 'steg' })[name] ?? name,
  phase: (phase: string, done: number, total: number) =>
    ({
      kernel:
        total > 0
          ? `väljer den snabbaste kärnan för den här formen: ${done} av ${total} varianter mätta (en gång per grafikkort, sedan sparas valet)`
          : 'väljer den snabbaste kärnan för den här formen (mäts en gång per grafikkort och sparas)',
      data: 'skapar datapunkterna',
      thetas: 'drar de första vikterna',
      compiling: total > 0 ? `kompilerar kärnor, ${done} av ${total}` : 'kompilerar',
      uploading: 'laddar upp datan till grafikkortet',
      training: 'tränar',
      writing: 'ritar diagrammen och skriver filerna',
    })[phase] ?? phase,
  phaseStatus: (phase: string, done: number, total: number) => statusLine(sv.phase(phase, done, total)),
};

/** Every label, by language. */
export const LABELS: Record<Language, Labels> = { en: en as Labels, sv };

const big = (v: number) => v.toExponential(2);
/** v to `digits` significant digits with a decimal comma. */
const svNum = (v: number, digits: number) => v.toPrecision(digits).replace('.', ',');
const SUPERSCRIPT: Record<string, string> = { '-': '⁻', '+': '', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };
/** v as mantissa `times` 10 with a superscript exponent (`2,3·10⁻⁵`); plain where the exponent is 0. */
function scientific(v: number, digits: number, point: string, times: string): string {
  const [mantissa, exponent] = v.toExponential(Math.max(0, digits - 1)).split('e');
  const m = mantissa.replace('.', point);
  return exponent === '+0' ? m : `${m}${times}10${[...exponent].map((c) => SUPERSCRIPT[c]).join('')}`;
}
const bytes = (b: number, lang: Language) => {
  const t = b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(1)} GiB` : `${Math.ceil(b / 2 ** 20)} MiB`;
  return lang === 'sv' ? t.replace('.', ',') : t;
};

/** Why an input was refused, in English. */
function problemEn(p: Problem): string {
  switch (p.kind) {
    case 'integer':
      return `must be an integer from ${p.min} to ${p.max}, got ${p.got}`;
    case 'positive':
      return `must be a number > 0, got ${p.got}`;
    case 'split':
      return `must be at least 0 and below 1, got ${p.got}`;
    case 'noTraining':
      return `a split of ${p.split} leaves no training point of N = ${p.points}`;
    case 'noEpoch':
      return `too small for one epoch: EPOCHS would be 0; use M ≥ ${p.minSteps}`;
    case 'epochs':
      return `EPOCHS = ${p.epochs} is more than the ${p.limit.toLocaleString('en')} epochs a run may have`;
    case 'work':
      return `M × Nbatch × K${p.models > 1 ? ` over ${p.models} models` : ''} = ${big(p.estimate)} unit evaluations, more than the limit of ${big(p.limit)}`;
    case 'memory':
      return `needs about ${bytes(p.bytes, 'en')} of memory${p.models > 1 ? ` for ${p.models} models` : ''}, more than the limit of ${bytes(p.limit, 'en')}`;
    case 'formula':
      return `the formula cannot be used (${p.detail})`;
    case 'notANumber':
      return `${p.text} is not a number`;
    case 'empty':
      return 'empty';
    case 'axisRange':
      return `${p.axis}: the range ${p.lo}:${p.hi} runs backwards`;
    case 'axisCount':
      return `${p.axis}: the count must be a whole number from 1 to ${p.max}, got ${p.text}`;
    case 'axisLog':
      return `${p.axis}: a log range needs lo > 0, got ${p.lo}`;
    case 'axisGeometric':
      return `${p.axis}: lo:hi:xF needs lo > 0 and F > 1, got ${p.text}`;
    case 'axisShape':
      return `${p.axis}: write one value, lo:hi:logN, lo:hi:xF or lo:hi:N, not ${p.text}`;
    case 'axisTooMany':
      return `${p.axis}: ${p.text} has ${p.count} values, more than the ${p.max} models a sweep may have`;
    case 'axisRepeated':
      return `the axis ${p.axis} is given twice`;
    case 'tooManyModels':
      return `${p.learningRates} × ${p.hiddenUnits} × ${p.seeds} seeds = ${p.count} models, more than the ${p.max} a sweep may have`;
    case 'seeds':
      return `seeds must be a whole number ≥ 1, got ${p.got}`;
    case 'model':
      return `model ${p.index} (learning rate ${p.learningRate}, K = ${p.hiddenUnits}): ${problemEn(p.problem)}`;
    case 'unknown':
      return `${p.text} is not known here`;
  }
}

/** Why an input was refused, in Swedish. */
function problemSv(p: Problem): string {
  const d = (v: number) => String(v).replace('.', ',');
  switch (p.kind) {
    case 'integer':
      return `måste vara ett heltal från ${p.min} till ${p.max}, inte ${p.got.replace('.', ',')}`;
    case 'positive':
      return `måste vara ett tal > 0, inte ${p.got.replace('.', ',')}`;
    case 'split':
      return `måste vara minst 0 och under 1, inte ${p.got.replace('.', ',')}`;
    case 'noTraining':
      return `valideringsandelen ${d(p.split)} lämnar ingen träningspunkt av N = ${p.points}`;
    case 'noEpoch':
      return `för litet för en epok: EPOCHS skulle bli 0; använd M ≥ ${p.minSteps}`;
    case 'epochs':
      return `EPOCHS = ${p.epochs} är fler än de ${p.limit.toLocaleString('sv')} epoker en körning får ha`;
    case 'work':
      return `M × Nbatch × K${p.models > 1 ? ` för ${p.models} modeller` : ''} = ${big(p.estimate).replace('.', ',')} nodberäkningar, mer än gränsen ${big(p.limit).replace('.', ',')}`;
    case 'memory':
      return `behöver omkring ${bytes(p.bytes, 'sv')} minne${p.models > 1 ? ` för ${p.models} modeller` : ''}, mer än gränsen ${bytes(p.limit, 'sv')}`;
    case 'formula':
      return `formeln går inte att använda (${p.detail})`;
    case 'notANumber':
      return `${p.text} är inget tal`;
    case 'empty':
      return 'tomt';
    case 'axisRange':
      return `${p.axis}: intervallet ${d(p.lo)}:${d(p.hi)} går baklänges`;
    case 'axisCount':
      return `${p.axis}: antalet måste vara ett heltal från 1 till ${p.max}, inte ${p.text}`;
    case 'axisLog':
      return `${p.axis}: ett logaritmiskt intervall kräver lo > 0, inte ${d(p.lo)}`;
    case 'axisGeometric':
      return `${p.axis}: lo:hi:xF kräver lo > 0 och F > 1, inte ${p.text}`;
    case 'axisShape':
      return `${p.axis}: skriv ett värde, lo:hi:logN, lo:hi:xF eller lo:hi:N, inte ${p.text}`;
    case 'axisTooMany':
      return `${p.axis}: ${p.text} ger ${p.count} värden, fler än de ${p.max} modeller en svepning får ha`;
    case 'axisRepeated':
      return `axeln ${p.axis} är given två gånger`;
    case 'tooManyModels':
      return `${p.learningRates} × ${p.hiddenUnits} × ${p.seeds} frön = ${p.count} modeller, fler än de ${p.max} en svepning får ha`;
    case 'seeds':
      return `antalet frön måste vara ett heltal ≥ 1, inte ${p.got}`;
    case 'model':
      return `modell ${p.index} (inlärningshastighet ${d(p.learningRate)}, K = ${p.hiddenUnits}): ${problemSv(p.problem)}`;
    case 'unknown':
      return `${p.text} är okänt här`;
  }
}
