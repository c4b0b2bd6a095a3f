/**
 * The fused GPU host: trains P models at once (a single run is P = 1) with one kernel of the
 * fused family (sgd_invocation.wgsl, sgd_subgroup.wgsl or sgd_tiled.wgsl), whole epochs in a
 * dispatch, validation and alpha on the plot grid inside it, one dispatch a K. The data goes up
 * once; for each submission the host writes the epochs' training points in their visiting orders
 * (one order per distinct seed) and the dispatches' spans, then the epoch runner (epochs.ts) hands
 * every epoch's records (losses, theta, alpha) back in order.
 */
import type { Experiment } from '../experiment/config';
import type { Dataset } from '../experiment/data';
import { activationCode, type Activation } from '../experiment/activation';
import { runBuffers, writeFloats, writePairs } from './buffers';
import { runEpochs, StopInsideEpoch, type EpochOutcome } from './epochs';
import { stoppable, unlessStopped, yielder } from '../experiment/pause';
import type { PhaseClock } from '../experiment/phases';
import { GpuLimitError, StoppedError } from '../errors';
import { placeBars, readPassTimes, SubmissionClock, TIMELINE_BARS, type RawBar } from './timeline';
import type { Timeline } from '../experiment/run';
import { fusedBindGroupLayout, getPipeline } from './kernels';
import { packModels, packRunParams, packSpan, type Span } from './params';
import { BUFFER } from './flags';

/** The fused family's variants, as KernelChoice names them. */
export const VARIANTS = ['invocation', 'subgroup', 'tiled'] as const;

/** A variant of the fused family and its shape on this adapter. */
export interface KernelChoice {
  variant: (typeof VARIANTS)[number];
  /** Invocations a workgroup: models a workgroup (invocation), the lanes of one model (subgroup), or the invocations sharing one model's batch (tiled). */
  workgroupSize: number;
}

/** Most hidden units one invocation keeps in registers (WGSL caps private and function memory at 8 KiB). */
export const MAX_UNITS_PER_INVOCATION = 256;

/** Hidden units each invocation holds with this variant for models of up to `maxK` units. */
export function unitsPerInvocation(choice: KernelChoice, maxK: number): number {
  return choice.variant === 'subgroup' ? Math.ceil(maxK / choice.workgroupSize) : maxK;
}

/** "subgroup, 4 lanes a model", "tiled, 16 invocations a model" or "invocation a model, 64 a workgroup": how results name the kernel that ran. */
export function describeKernel(choice: KernelChoice): string {
  if (choice.variant === 'subgroup') return `subgroup, ${choice.workgroupSize} lanes a model`;
  if (choice.variant === 'tiled') return `tiled, ${choice.workgroupSize} invocations a model`;
  return `invocation a model, ${choice.workgroupSize} a workgroup`;
}

/** One model of a fused run. */
export interface FusedModel {
  hiddenUnits: number;
  learningRate: number;
  /** Which of `orders` the model follows. */
  orderIndex: number;
  theta: Float64Array;
}

/** An epoch's records, in the models' own order. */
export interface FusedEpoch {
  epoch: number;
  /** Mean squared error over the epoch's training samples, per model. */
  loss: Float64Array;
  /** Validation MSE per model (NaN without validation points). */
  valLoss: Float64Array;
  /** Model m's theta at the end of the epoch. */
  theta(m: number): Float64Array;
  /** Model m's alpha on the plot points (empty without them). */
  alpha(m: number): Float64Array;
}

/** A fused run: the shared experiment (data, batch, epochs), its models, and how to run them. */
export interface FusedRun {
  base: Experiment;
  models: FusedModel[];
  /** One generator of per-epoch visiting orders per distinct seed (RunInputs.orders: made in slices, a Stop inside one ends the epoch). */
  orders: (() => Uint32Array<ArrayBuffer> | Promise<Uint32Array<ArrayBuffer>>)[];
  plotAt: Float64Array | null;
  choice: KernelChoice;
  /** Most steps one dispatch runs; a longer epoch takes several. */
  stepsPerDispatch?: number;
  /** Epochs in flight at most (default: as many as keep about 2^22 unit evaluations queued). */
  ringSize?: number;
  signal?: AbortSignal;
  /** The run's phase clock (its recorder's): told as the pipelines compile (each one done) and when the data go up. */
  phases?: PhaseClock;
  /** Time the dispatches on the GPU's clock where the adapter has `timestamp-query`. */
  timestamps?: boolean;
  /** Record the last submissions as a Timeline (gpu timestamps where offered; 'wall': the host's clock). */
  timeline?: boolean | 'wall';
  /** The base's data (RunInputs.data). */
  data: Dataset;
  onEpoch(epoch: FusedEpoch): void | Promise<void>;
}

/** About 2^24 hidden-unit evaluations per invocation per dispatch (several short epochs, or part of a long one) keeps a dispatch well under a second on a real GPU. */
const WORK_PER_DISPATCH = 2 ** 24;
/** Short epochs go several to a submission, up to about this many unit evaluations (a submission costs more than a dispatch). */
const WORK_PER_SUBMIT = 2 ** 18;
/** Dispatches encoded in one submission at most (each needs a span slot). */
const MAX_DISPATCHES_PER_SUBMIT = 1024;
/** Epochs queued ahead: enough to keep the GPU busy, few enough that a Stop is not kept waiting. */
const WORK_IN_FLIGHT = 2 ** 22;
/** Staging memory for the queued epochs. */
const STAGING_BUDGET = 64 * 2 ** 20;
/**
 * An epoch past this many unit evaluations per invocation is a long one: it goes to the GPU as a
 * series of submissions of one span each, sized by the clock to about LONG_SPAN_MS, with a look at
 * the Stop signal between them, so a Stop is answered within two spans whatever the epoch's size.
 */
const LONG_EPOCH_WORK = 2 ** 20;
/** The time one span of a long epoch aims at on the GPU. */
const LONG_SPAN_MS = 40;

/** Floats of one model's record (fused_common.wgsl): 3 losses, theta of the largest K, alpha on the plot points. */
export function recordLayout(maxK: number, plotPoints: number) {
  return { stride: 3 + 3 * maxK + plotPoints, thetaOffset: 3, plotOffset: 3 + 3 * maxK };
}

/** Throws GpuLimitError if the run would not fit the device; the message names the limit and the largest P that fits. */
export function checkFusedLimits(base: Experiment, P: number, maxK: number, seeds: number, plotPoints: number, choice: KernelChoice, device: Pick<GPUDevice, 'limits'>): void {
  const { limits } = device;
  const maxBinding = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  if (choice.variant === 'tiled') {
    const bytes = tiledWorkgroupBytes(maxK, tiledSubgroups(device as GPUDevice, choice.workgroupSize));
    if (bytes > limits.maxComputeWorkgroupStorageSize) {
      throw new GpuLimitError(
        `K = ${maxK} needs ${bytes} bytes of workgroup memory in the ${describeKernel(choice)} kernel; this device has ${limits.maxComputeWorkgroupStorageSize}. Use fewer hidden units or another kernel.`,
      );
    }
  }
  const perInvocation = unitsPerInvocation(choice, maxK);
  if (perInvocation > MAX_UNITS_PER_INVOCATION) {
    const most = choice.variant === 'subgroup' ? MAX_UNITS_PER_INVOCATION * choice.workgroupSize : MAX_UNITS_PER_INVOCATION;
    throw new GpuLimitError(
      `K = ${maxK} needs ${perInvocation} hidden units in each invocation's registers with the ${describeKernel(choice)} kernel; ` +
        `at most ${MAX_UNITS_PER_INVOCATION} fit (K <= ${most}). Use fewer hidden units or the per-op engine (gpu-perop).`,
    );
  }
  // The records buffer holds the carried state and at least one epoch's records: two slots.
  const recordBytes = 4 * recordLayout(maxK, plotPoints).stride;
  const fits = Math.min(
    Math.floor(maxBinding / (2 * recordBytes)),
    choice.variant === 'invocation' ? limits.maxComputeWorkgroupsPerDimension * choice.workgroupSize : limits.maxComputeWorkgroupsPerDimension,
  );
  if (P > fits) {
    throw new GpuLimitError(`${P} models do not fit this device: at most ${fits} with K up to ${maxK} (${recordBytes} bytes a model, twice). Train P <= ${fits} at a time.`);
  }
  const buffers: [string, number][] = [
    ['the validation points', 8 * base.valPoints],
    [`the training points in ${seeds} visiting order(s)`, 8 * seeds * base.trainPoints],
  ];
  for (const [what, bytes] of buffers) {
    if (bytes > maxBinding) throw new GpuLimitError(`${what} need ${bytes} bytes in one buffer; this device allows ${maxBinding}. Use fewer points or seeds.`);
  }
  if (base.trainPoints > 2 ** 31) throw new GpuLimitError('Too many training points for 32-bit indices.');
}

/** The pipeline of a variant for models of K hidden units with this activation (cached per device, kernels.ts). */
export function fusedPipeline(device: GPUDevice, choice: KernelChoice, K: number, activation: Activation): Promise<GPUComputePipeline> {
  const wg = choice.workgroupSize;
  const ACTIVATION = activationCode(activation);
  if (choice.variant === 'invocation') return getPipeline(device, 'sgd_invocation', { WG: wg, ACTIVATION }, { SLOTS: K });
  if (choice.variant === 'subgroup') return getPipeline(device, 'sgd_subgroup', { LANES: wg, ACTIVATION }, { SLOTS: unitsPerInvocation(choice, K) });
  return getPipeline(device, 'sgd_tiled', { TILE: wg, SUBGROUPS: tiledSubgroups(device, wg), ACTIVATION }, { SLOTS: K });
}

/** The most subgroups a tiled workgroup of `tile` invocations can hold: tile / the smallest subgroup (1 where the adapter does not say). */
export function tiledSubgroups(device: GPUDevice, tile: number): number {
  const min = (device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo?.subgroupMinSize ?? 1;
  return Math.max(1, Math.ceil(tile / Math.max(1, min)));
}

/** Workgroup memory of the tiled kernel: two buffers of each subgroup's 3K + 1 sums, and two counters. */
export function tiledWorkgroupBytes(K: number, subgroups: number): number {
  return 4 * (2 * (3 * K + 1) * subgroups + 2);
}

/** Pipelines compiled at once: enough to keep the cores busy, few enough that a Stop leaves little going on unseen. */
const COMPILES_AT_ONCE = 4;

/** `make` of every item, at most `atOnce` at a time, in order; after a Stop none is started (StoppedError). */
async function inBatches<T, U>(items: readonly T[], atOnce: number, signal: AbortSignal | undefined, make: (item: T) => Promise<U>): Promise<U[]> {
  const out: U[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      if (signal?.aborted) throw new StoppedError('stopped');
      const i = next++;
      out[i] = await make(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(atOnce, items.length) }, worker));
  return out;
}

/** A float32 copy of `a`, made 2^18 values at a time with `pause` between. */
async function toFloat32(a: Float64Array, pause: () => Promise<void>): Promise<Float32Array> {
  const out = new Float32Array(a.length);
  for (let from = 0; from < a.length; from += 2 ** 18) {
    out.set(a.subarray(from, Math.min(from + 2 ** 18, a.length)), from);
    await pause();
  }
  return out;
}

/** How a fused run goes to the GPU, worked out from its shape before anything is made (planFused). */
interface FusedPlan {
  P: number;
  maxK: number;
  layout: ReturnType<typeof recordLayout>;
  plotPoints: number;
  /** The models in dispatch order (by K, then seed), and each model's row in it. */
  byShape: number[];
  rowOf: Int32Array;
  /** One dispatch a K: its rows [begin, end). */
  kGroups: { K: number; begin: number; end: number }[];
  perInvocation: number;
  seeds: number;
  /** An epoch too big for one dispatch, sent as spans sized by the clock (submitLong). */
  long: boolean;
  stepsPerDispatch: number;
  spansPerEpoch: number;
  epochsPerDispatch: number;
  workPerEpoch: number;
  recordBytes: number;
  slotFloats: number;
  epochsPerSubmit: number;
  dispatchesPerSubmit: number;
  align: number;
  submissions: number;
  ringSize: number;
}

/** The plan of a run: dispatch order, K groups, how many steps a dispatch and epochs a submission. */
function planFused(device: GPUDevice, run: FusedRun): FusedPlan {
  const { base, choice } = run;
  const P = run.models.length;
  const maxK = Math.max(...run.models.map((m) => m.hiddenUnits));
  const plotPoints = run.plotAt?.length ?? 0;
  checkFusedLimits(base, P, maxK, run.orders.length, plotPoints, choice, device);
  const layout = recordLayout(maxK, plotPoints);
  // Neighbouring invocations get models of the same K and seed: the same loop bounds, the same point.
  const byShape = run.models.map((_, m) => m).sort((a, b) => run.models[a].hiddenUnits - run.models[b].hiddenUnits || run.models[a].orderIndex - run.models[b].orderIndex || a - b);
  const rowOf = new Int32Array(P);
  byShape.forEach((m, row) => (rowOf[m] = row));
  // One dispatch a K: the models of one K share a pipeline whose loops are sized (and unrolled) for it.
  const kGroups: FusedPlan['kGroups'] = [];
  byShape.forEach((m, row) => {
    const K = run.models[m].hiddenUnits;
    if (kGroups.at(-1)?.K === K) kGroups.at(-1)!.end = row + 1;
    else kGroups.push({ K, begin: row, end: row + 1 });
  });
  // Whole epochs packed into a dispatch up to stepsPerDispatch steps, or a long epoch split into
  // spans; several epochs a submission while they are short.
  const perInvocation = unitsPerInvocation(choice, maxK);
  const { stepsPerEpoch, trainPoints } = base;
  const B = base.config.batchSize;
  const seeds = run.orders.length;
  const long = run.stepsPerDispatch === undefined && stepsPerEpoch * B * perInvocation > LONG_EPOCH_WORK;
  const stepsPerDispatch = long ? stepsPerEpoch : Math.max(1, Math.floor(run.stepsPerDispatch ?? WORK_PER_DISPATCH / (B * perInvocation)));
  const spansPerEpoch = Math.ceil(stepsPerEpoch / stepsPerDispatch);
  const epochsPerDispatch = spansPerEpoch === 1 ? Math.floor(stepsPerDispatch / stepsPerEpoch) : 1;
  const workPerEpoch = P * trainPoints * maxK;
  const maxBinding = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  const recordBytes = 4 * P * layout.stride;
  const epochsPerSubmit = Math.max(
    1,
    Math.min(
      base.epochs,
      Math.floor(WORK_PER_SUBMIT / workPerEpoch),
      Math.floor(MAX_DISPATCHES_PER_SUBMIT / spansPerEpoch),
      Math.floor(maxBinding / (8 * seeds * trainPoints)),
      Math.floor(maxBinding / recordBytes) - 1,
    ),
  );
  return {
    P,
    maxK,
    layout,
    plotPoints,
    byShape,
    rowOf,
    kGroups,
    perInvocation,
    seeds,
    long,
    stepsPerDispatch,
    spansPerEpoch,
    epochsPerDispatch,
    workPerEpoch,
    recordBytes,
    slotFloats: P * layout.stride,
    epochsPerSubmit,
    dispatchesPerSubmit: kGroups.length * (spansPerEpoch > 1 ? spansPerEpoch * epochsPerSubmit : Math.ceil(epochsPerSubmit / epochsPerDispatch)),
    align: device.limits.minUniformBufferOffsetAlignment,
    submissions: Math.ceil(base.epochs / epochsPerSubmit),
    ringSize: run.ringSize ?? Math.max(2, Math.min(64, Math.floor(WORK_IN_FLIGHT / workPerEpoch), Math.floor(STAGING_BUDGET / recordBytes))),
  };
}

/** A K group ready to dispatch: its pipeline and its workgroup count. */
interface DispatchGroup {
  begin: number;
  end: number;
  pipeline: GPUComputePipeline;
  workgroups: number;
}

/**
 * The pipelines of every K group, COMPILES_AT_ONCE at a time; a Stop meanwhile ends the run before
 * its first epoch (StoppedError), the compiles going on unseen into the pipeline cache.
 */
async function compileGroups(device: GPUDevice, run: FusedRun, plan: FusedPlan): Promise<DispatchGroup[]> {
  const { kGroups } = plan;
  const { choice } = run;
  run.phases?.enter('compiling', kGroups.length);
  let compiled = 0;
  const pipelines = await unlessStopped(
    inBatches(kGroups, COMPILES_AT_ONCE, run.signal, async (g) => {
      const pipeline = await fusedPipeline(device, choice, g.K, run.base.config.activation);
      run.phases?.progress(++compiled, kGroups.length);
      return pipeline;
    }),
    run.signal,
  );
  return kGroups.map((g, i) => ({
    begin: g.begin,
    end: g.end,
    pipeline: pipelines[i],
    workgroups: choice.variant === 'invocation' ? Math.ceil((g.end - g.begin) / choice.workgroupSize) : g.end - g.begin,
  }));
}

/** What a run has on the GPU and beside it: the buffers, the bind group, the points in float32, the scratch a submission fills. */
interface FusedResources {
  owned: ReturnType<typeof runBuffers>;
  group: GPUBindGroup;
  span: GPUBuffer;
  records: GPUBuffer;
  visits: GPUBuffer;
  xTrain: Float32Array;
  yTrain: Float32Array;
  /** Each dispatch's span, at its aligned offset. */
  spanWords: Uint32Array<ArrayBuffer>;
  /** Each epoch's training points in its visiting order, one order per seed: (x, y) pairs. */
  visitPairs: Float32Array<ArrayBuffer>;
  pause: () => Promise<void>;
}

/**
 * The points in float32 (converted in slices: at 10^7 points one conversion is a long task), the
 * run's buffers and bind group, theta's first record and the validation points written; the
 * buffers refused (too big) throw GpuLimitError.
 */
async function uploadFused(device: GPUDevice, run: FusedRun, plan: FusedPlan): Promise<FusedResources> {
  const { base, data, choice } = run;
  const { P, layout, slotFloats, epochsPerSubmit, dispatchesPerSubmit, align, seeds, plotPoints } = plan;
  const { trainPoints } = base;
  run.phases?.enter('uploading');
  const pause = yielder();
  const xTrain = await toFloat32(data.xTrain, stoppable(pause, run.signal));
  const yTrain = await toFloat32(data.yTrain, stoppable(pause, run.signal));
  const visitPairs = new Float32Array(2 * epochsPerSubmit * seeds * trainPoints);
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  const owned = runBuffers(device);
  const { make, empty } = owned;
  const STORAGE = BUFFER.STORAGE;
  // Slot 0 carries theta between dispatches; slots 1 .. epochsPerSubmit take each epoch's record.
  // Only slot 0 is written (in slices, below): the buffer starts zeroed, and at 20,480 models the
  // whole of it made in one piece was a task of ~100 ms on a page.
  const slot0 = new Float32Array(slotFloats);
  plan.byShape.forEach((m, at) => slot0.set(run.models[m].theta, at * layout.stride + layout.thetaOffset));
  const runParams = make(
    'run',
    packRunParams({
      batchSize: base.config.batchSize,
      trainPoints,
      valPoints: base.valPoints,
      plotPoints,
      models: P,
      recordStride: layout.stride,
      plotOffset: layout.plotOffset,
      seeds,
    }),
    BUFFER.UNIFORM,
  );
  const span = empty('spans', dispatchesPerSubmit * align, BUFFER.UNIFORM | BUFFER.COPY_DST);
  const models = make('models', packModels(plan.byShape.map((m) => run.models[m])));
  const records = empty('records', 4 * (1 + epochsPerSubmit) * slotFloats, STORAGE | BUFFER.COPY_SRC | BUFFER.COPY_DST);
  const visits = empty('visits', visitPairs.byteLength, STORAGE | BUFFER.COPY_DST);
  const val = empty('val', 8 * Math.max(1, data.xVal.length), STORAGE | BUFFER.COPY_DST);
  const plot = make('plot', Float32Array.from(run.plotAt ?? [0]));
  const group = device.createBindGroup({
    label: `fused ${choice.variant}`,
    layout: fusedBindGroupLayout(device),
    entries: [
      { binding: 0, resource: { buffer: runParams } },
      { binding: 1, resource: { buffer: span, size: 32 } },
      { binding: 2, resource: { buffer: models } },
      { binding: 3, resource: { buffer: records } },
      { binding: 4, resource: { buffer: visits } },
      { binding: 5, resource: { buffer: val } },
      { binding: 6, resource: { buffer: plot } },
    ],
  });
  const setupError = (await device.popErrorScope()) ?? (await device.popErrorScope());
  if (setupError) {
    owned.destroyAll();
    throw new GpuLimitError(`The GPU refused the run's buffers (${P} models): ${setupError.message}`);
  }
  await writeFloats(device, records, slot0, pause);
  await writePairs(device, val, data.xVal, data.yVal, pause);
  return { owned, group, span, records, visits, xTrain, yTrain, spanWords: new Uint32Array((dispatchesPerSubmit * align) / 4), visitPairs, pause };
}

/** The clocks of a run: GPU timestamps where asked for and offered (each pass, or the last TIMELINE_BARS), and the host's. */
interface FusedClocks {
  querySet: GPUQuerySet | null;
  /** The first submission timed on the GPU's clock. */
  timedFrom: number;
  /** When each submission went and when its last epoch's record came back. */
  wall: SubmissionClock;
}

function fusedClocks(device: GPUDevice, run: FusedRun, plan: FusedPlan): FusedClocks {
  const onGpuClock = !plan.long && device.features.has('timestamp-query') && (run.timestamps || run.timeline === true);
  const timedFrom = run.timestamps ? 0 : Math.max(0, plan.submissions - TIMELINE_BARS);
  const querySet = onGpuClock ? device.createQuerySet({ label: 'fused timestamps', type: 'timestamp', count: 2 * (plan.submissions - timedFrom) }) : null;
  return { querySet, timedFrom, wall: new SubmissionClock() };
}

/** Everything a submission needs. */
interface FusedContext {
  device: GPUDevice;
  run: FusedRun;
  plan: FusedPlan;
  groups: DispatchGroup[];
  gpu: FusedResources;
  clocks: FusedClocks;
  /** A long epoch's next span, in steps: sized from the time the one before took. */
  spanSteps: number;
}

/**
 * Trains the run's models; resolves with the epoch runner's outcome (errors inside a run are in it,
 * not thrown). A Stop before the first epoch (while the pipelines compile or the points are
 * converted) throws StoppedError. Its phases: plan, compile, upload, then submissions (a span of
 * epochs, or a long epoch's spans) and their records read back in order.
 */
export async function runFused(device: GPUDevice, run: FusedRun): Promise<EpochOutcome & { startedAt: number; gpuMs: number | null; timeline: Timeline | null }> {
  const plan = planFused(device, run);
  const groups = await compileGroups(device, run, plan);
  const gpu = await uploadFused(device, run, plan);
  const clocks = fusedClocks(device, run, plan);
  const ctx: FusedContext = { device, run, plan, groups, gpu, clocks, spanSteps: Math.max(1, Math.floor(2 ** 16 / (run.base.config.batchSize * plan.perInvocation))) };
  const startedAt = performance.now();
  run.phases?.enter('training', undefined, startedAt);
  try {
    const outcome = await runEpochs({
      device,
      label: `fused ${run.choice.variant}`,
      epochs: run.base.epochs,
      epochsPerSubmit: plan.epochsPerSubmit,
      ringSize: plan.ringSize,
      stagingBytes: plan.recordBytes,
      submit: (first, count, staging) => submit(ctx, first, count, staging),
      report: (epoch, bytes) => report(ctx, epoch, bytes),
      signal: run.signal,
    });
    const ok = !outcome.failure && !outcome.lost;
    const { querySet, timedFrom, wall } = clocks;
    const submitted = Math.ceil(outcome.reported / plan.epochsPerSubmit);
    const gpuMs = querySet && ok && run.timestamps ? await passTimes(device, querySet, submitted) : null;
    const timeline = run.timeline && ok ? await fusedTimeline(device, querySet, timedFrom, submitted, plan.epochsPerSubmit, run.base.epochs, wall) : null;
    return { ...outcome, startedAt, gpuMs, timeline };
  } finally {
    gpu.owned.destroyAll();
    clocks.querySet?.destroy();
  }
}

/** Points [from, to) of `order` as (x, y) pairs into visitPairs, the order's first at pair `base`. */
function gather(gpu: FusedResources, order: Uint32Array, base: number, from: number, to: number): void {
  const { visitPairs, xTrain, yTrain } = gpu;
  for (let i = from, at = 2 * (base + from); i < to; i++, at += 2) {
    visitPairs[at] = xTrain[order[i]];
    visitPairs[at + 1] = yTrain[order[i]];
  }
}

const nextOrders = (run: FusedRun) => Promise.all(run.orders.map((next) => next()));

/** Epochs [first, first + count) to the GPU, their records copied to `staging`; resolves with the dispatches issued. */
async function submit(ctx: FusedContext, first: number, count: number, staging: GPUBuffer): Promise<number> {
  const { run, clocks } = ctx;
  if (ctx.plan.long) {
    const started = performance.now();
    const n = await submitLong(ctx, first, staging);
    if (run.timeline) clocks.wall.submitted(first, { label: epochsLabel(first, 1), kernel: 'fused', dispatches: n }, started);
    return n;
  }
  const n = await submitEpochs(ctx, first, count, staging);
  if (run.timeline) clocks.wall.submitted(first + count - 1, { label: epochsLabel(first, count), kernel: 'fused', dispatches: n });
  return n;
}

/** Short epochs: every epoch's visits and every dispatch's span written at once, the dispatches, then the epochs' records copied out in one piece. */
async function submitEpochs(ctx: FusedContext, first: number, count: number, staging: GPUBuffer): Promise<number> {
  const { device, run, plan, groups, gpu, clocks } = ctx;
  const { seeds, align, epochsPerSubmit, spansPerEpoch, stepsPerDispatch, epochsPerDispatch } = plan;
  const { stepsPerEpoch, trainPoints } = run.base;
  for (let e = 0; e < count; e++) (await nextOrders(run)).forEach((order, s) => gather(gpu, order, (e * seeds + s) * trainPoints, 0, trainPoints));
  // One span a (part of an) epoch and a K group, in the order they run.
  let n = 0;
  const spanAt = (s: Pick<Span, 'stepBegin' | 'stepEnd' | 'epochs' | 'epochEnd'>, epoch: number) => {
    for (const g of groups) {
      packSpan({ ...s, visitOffset: epoch * seeds * trainPoints, recordSlot: 1 + epoch, modelBegin: g.begin, modelEnd: g.end }, gpu.spanWords, (n++ * align) / 4);
    }
  };
  if (spansPerEpoch > 1) {
    for (let e = 0; e < count; e++) {
      for (let begin = 0; begin < stepsPerEpoch; begin += stepsPerDispatch) {
        const end = Math.min(begin + stepsPerDispatch, stepsPerEpoch);
        spanAt({ stepBegin: begin, stepEnd: end, epochs: 1, epochEnd: end === stepsPerEpoch }, e);
      }
    }
  } else {
    for (let e = 0; e < count; e += epochsPerDispatch) spanAt({ stepBegin: 0, stepEnd: stepsPerEpoch, epochs: Math.min(epochsPerDispatch, count - e), epochEnd: true }, e);
  }
  device.queue.writeBuffer(gpu.visits, 0, gpu.visitPairs, 0, 2 * count * seeds * trainPoints);
  device.queue.writeBuffer(gpu.span, 0, gpu.spanWords, 0, (n * align) / 4);
  const encoder = device.createCommandEncoder({ label: `epochs ${first}-${first + count - 1}` });
  const submission = Math.floor((first - 1) / epochsPerSubmit);
  const index = 2 * (submission - clocks.timedFrom);
  const querySet = submission >= clocks.timedFrom ? clocks.querySet : null;
  const pass = encoder.beginComputePass({
    label: `epochs ${first}-${first + count - 1}`,
    ...(querySet ? { timestampWrites: { querySet, beginningOfPassWriteIndex: index, endOfPassWriteIndex: index + 1 } } : {}),
  });
  for (let d = 0; d < n; d++) {
    const g = groups[d % groups.length];
    pass.setPipeline(g.pipeline);
    pass.setBindGroup(0, gpu.group, [d * align]);
    pass.dispatchWorkgroups(g.workgroups);
  }
  pass.end();
  encoder.copyBufferToBuffer(gpu.records, 4 * plan.slotFloats, staging, 0, count * plan.recordBytes);
  device.queue.submit([encoder.finish()]);
  return n;
}

/**
 * A long epoch: its order and points gathered in slices (at 10^7 points each is most of a second
 * in one piece), then one span a submission, two in flight, each sized from the time the one
 * before took; the Stop signal is read before each. Only the last span copies the record out.
 */
async function submitLong(ctx: FusedContext, epoch: number, staging: GPUBuffer): Promise<number> {
  const { device, run, plan, groups, gpu } = ctx;
  const { seeds, align } = plan;
  const { stepsPerEpoch, trainPoints } = run.base;
  // A Stop while the order is drawn or the points gathered ends the epoch before its first step.
  let orders: Uint32Array[];
  try {
    orders = await nextOrders(run);
  } catch (e) {
    if (e instanceof StoppedError) throw new StopInsideEpoch(epoch, 0, 0);
    throw e;
  }
  for (let s = 0; s < seeds; s++) {
    for (let from = 0; from < trainPoints; from += 2 ** 18) {
      const to = Math.min(from + 2 ** 18, trainPoints);
      gather(gpu, orders[s], s * trainPoints, from, to);
      device.queue.writeBuffer(gpu.visits, 8 * (s * trainPoints + from), gpu.visitPairs, 2 * (s * trainPoints + from), 2 * (to - from));
      await gpu.pause();
      if (run.signal?.aborted) throw new StopInsideEpoch(epoch, 0, 0);
    }
  }
  let dispatched = 0;
  let previous: { done: Promise<undefined>; steps: number } | null = null;
  let lastDone = performance.now();
  for (let begin = 0; begin < stepsPerEpoch;) {
    if (run.signal?.aborted) throw new StopInsideEpoch(epoch, begin, dispatched);
    const end = Math.min(begin + ctx.spanSteps, stepsPerEpoch);
    groups.forEach((g, n) =>
      packSpan(
        { stepBegin: begin, stepEnd: end, epochs: 1, epochEnd: end === stepsPerEpoch, visitOffset: 0, recordSlot: 1, modelBegin: g.begin, modelEnd: g.end },
        gpu.spanWords,
        (n * align) / 4,
      ),
    );
    device.queue.writeBuffer(gpu.span, 0, gpu.spanWords, 0, (groups.length * align) / 4);
    const encoder = device.createCommandEncoder({ label: `epoch ${epoch} steps ${begin}-${end}` });
    const pass = encoder.beginComputePass({ label: `epoch ${epoch} steps ${begin}-${end}` });
    groups.forEach((g, d) => {
      pass.setPipeline(g.pipeline);
      pass.setBindGroup(0, gpu.group, [d * align]);
      pass.dispatchWorkgroups(g.workgroups);
    });
    pass.end();
    if (end === stepsPerEpoch) encoder.copyBufferToBuffer(gpu.records, 4 * plan.slotFloats, staging, 0, plan.recordBytes);
    device.queue.submit([encoder.finish()]);
    dispatched += groups.length;
    const current = { done: device.queue.onSubmittedWorkDone() as Promise<undefined>, steps: end - begin };
    if (previous) {
      await previous.done;
      run.phases?.progress(begin, stepsPerEpoch, epoch);
      // The GPU ran the previous span back to back with the one before it: its time is the gap.
      const now = performance.now();
      const ms = Math.max(now - lastDone, 0.05);
      lastDone = now;
      ctx.spanSteps = Math.max(1, Math.min(stepsPerEpoch, Math.round(previous.steps * Math.min(4, LONG_SPAN_MS / ms))));
    }
    previous = current;
    begin = end;
  }
  return dispatched;
}

/** An epoch's records read back: each model's loss, val_loss, theta and alpha, handed to onEpoch in the models' own order. */
function report(ctx: FusedContext, epoch: number, bytes: ArrayBuffer): void | Promise<void> {
  const { run, plan } = ctx;
  const { P, layout, rowOf, plotPoints } = plan;
  ctx.clocks.wall.reported(epoch);
  const f32 = new Float32Array(bytes, 0, P * layout.stride);
  const loss = new Float64Array(P);
  const valLoss = new Float64Array(P);
  for (let m = 0; m < P; m++) {
    const at = rowOf[m] * layout.stride;
    loss[m] = f32[at] / run.base.trainPoints;
    valLoss[m] = run.base.valPoints > 0 ? f32[at + 2] : NaN;
  }
  const slice = (m: number, offset: number, length: number) => Float64Array.from(f32.subarray(rowOf[m] * layout.stride + offset, rowOf[m] * layout.stride + offset + length));
  return run.onEpoch({
    epoch,
    loss,
    valLoss,
    theta: (m) => slice(m, layout.thetaOffset, 3 * run.models[m].hiddenUnits),
    alpha: (m) => slice(m, layout.plotOffset, plotPoints),
  });
}

/** A label for the epochs [first, first + count). */
const epochsLabel = (first: number, count: number) => (count === 1 ? `epoch ${first}` : `epochs ${first}-${first + count - 1}`);

/**
 * The last submissions as a Timeline: each reported submission's pass on the GPU's clock where it
 * was timed, else each submission from its submit to its last record in hand on the host's clock.
 */
async function fusedTimeline(
  device: GPUDevice,
  querySet: GPUQuerySet | null,
  timedFrom: number,
  reportedSubmissions: number,
  epochsPerSubmit: number,
  epochs: number,
  wall: SubmissionClock,
): Promise<Timeline | null> {
  const passes = reportedSubmissions - timedFrom;
  const times = querySet && passes > 0 ? await readPassTimes(device, querySet, passes) : null;
  if (!times) return wall.timeline();
  const raw: RawBar[] = times.map(([start, end], i) => {
    const first = 1 + (timedFrom + i) * epochsPerSubmit;
    const last = Math.min(epochs, first + epochsPerSubmit - 1);
    return { label: epochsLabel(first, last - first + 1), kernel: 'fused', start, end, dispatches: wall.get(last)?.dispatches ?? 1 };
  });
  return placeBars(raw, 'gpu timestamps');
}

/** The summed duration of the first `passes` timestamped passes, in ms; null if the clock gave nothing usable. */
async function passTimes(device: GPUDevice, querySet: GPUQuerySet, passes: number): Promise<number | null> {
  const times = await readPassTimes(device, querySet, passes);
  const total = times ? times.reduce((sum, [start, end]) => sum + (end - start), 0) : 0;
  return total > 0 ? total / 1e6 : null;
}
