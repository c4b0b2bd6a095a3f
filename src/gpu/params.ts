/**
 * One packer per WGSL uniform or storage struct, beside the struct's fields in order, so a reader
 * sees which number goes where. Each returns the bytes the kernel reads.
 */

/** RunParams of fused_common.wgsl. */
export interface RunParams {
  batchSize: number;
  trainPoints: number;
  valPoints: number;
  plotPoints: number;
  models: number;
  /** Floats from one model's record to the next. */
  recordStride: number;
  /** Where alpha on the plot points starts in a record. */
  plotOffset: number;
  /** Distinct visiting orders an epoch (one per seed). */
  seeds: number;
}

/** Packs RunParams (8 x u32). */
export function packRunParams(p: RunParams): Uint32Array<ArrayBuffer> {
  return new Uint32Array([p.batchSize, p.trainPoints, p.valPoints, p.plotPoints, p.models, p.recordStride, p.plotOffset, p.seeds]);
}

/** Span of fused_common.wgsl: what one dispatch runs. */
export interface Span {
  /** Steps of each epoch, [stepBegin, stepEnd). */
  stepBegin: number;
  stepEnd: number;
  /** Epochs run (more than one only when each runs whole). */
  epochs: number;
  /** The (last) epoch ends in this dispatch: record it. */
  epochEnd: boolean;
  /** Where the first epoch's visits start in the visits buffer (points). */
  visitOffset: number;
  /** The record slot of the first epoch. */
  recordSlot: number;
  /** The models it trains, [modelBegin, modelEnd): those of one K. */
  modelBegin: number;
  modelEnd: number;
}

/** Packs Span (8 x u32) into `words` at `at` (in u32s). */
export function packSpan(s: Span, words: Uint32Array, at = 0): void {
  words.set([s.stepBegin, s.stepEnd, s.epochs, s.epochEnd ? 1 : 0, s.visitOffset, s.recordSlot, s.modelBegin, s.modelEnd], at);
}

/** Model of fused_common.wgsl. */
export interface ModelParams {
  hiddenUnits: number;
  learningRate: number;
  /** Which of the epoch's visiting orders (one per distinct seed) the model follows. */
  orderIndex: number;
}

/** Packs an array<Model> (4 words a model: u32, f32, u32, pad). */
export function packModels(models: readonly ModelParams[]): Uint8Array<ArrayBuffer> {
  const bytes = new ArrayBuffer(16 * Math.max(1, models.length));
  const u32 = new Uint32Array(bytes);
  const f32 = new Float32Array(bytes);
  models.forEach((m, i) => {
    u32[4 * i] = m.hiddenUnits;
    f32[4 * i + 1] = m.learningRate;
    u32[4 * i + 2] = m.orderIndex;
  });
  return new Uint8Array(bytes);
}

/** BatchParams of common.wgsl (forward.wgsl, mse_grad.wgsl). */
export interface BatchParams {
  hiddenUnits: number;
  batchSize: number;
  total: number;
  mode: 'train' | 'eval';
}

/** Packs BatchParams (4 x u32; MODE_TRAIN = 0, MODE_EVAL = 1). */
export function packBatchParams(p: BatchParams): Uint32Array<ArrayBuffer> {
  return new Uint32Array([p.hiddenUnits, p.batchSize, p.total, p.mode === 'train' ? 0 : 1]);
}

/** Params of sgd_update.wgsl. */
export interface UpdateParams {
  /** Entries of theta, 3K. */
  n: number;
  learningRate: number;
}

/** Packs sgd_update's Params (u32, f32, 2 words of padding). */
export function packUpdateParams(p: UpdateParams): Uint8Array<ArrayBuffer> {
  const bytes = new ArrayBuffer(16);
  new Uint32Array(bytes)[0] = p.n;
  new Float32Array(bytes)[1] = p.learningRate;
  return new Uint8Array(bytes);
}
