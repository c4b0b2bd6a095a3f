/**
 * The `cpu-wasm` engine: the SGD of one model in WebAssembly with SIMD (asm/sgd.ts, two hidden
 * units a lane pair of f64x2), float64 like `cpu`, behind the same CpuModel as the JavaScript
 * loops. float64 because it is the reference's precision: held to `cpu` within 1e-12, it is the
 * same experiment, only faster; its exp is its own (table-driven: 64 entries and a degree-5
 * polynomial, at most 1 ulp from Math.exp, see asm/sgd.ts) and its alpha adds the two lanes
 * last, so it differs from `cpu` in the last bits, not in what it computes. A sweep's models
 * share one instance (cpuWasmModels).
 */
import wasmBase64 from '../../asm/sgd.ts?wasm';
import type { Experiment } from '../experiment/config';
import { activationCode } from './kernels';
import { cpuModelOf, type CpuData, type CpuModel } from './trainer';

/** The module's exports (pointers are byte offsets into its memory). */
export interface SgdExports {
  memory: WebAssembly.Memory;
  steps(
    kp: number,
    batch: number,
    n: number,
    act: number,
    lr: number,
    v: number,
    w: number,
    b: number,
    mask: number,
    x: number,
    y: number,
    order: number,
    from: number,
    to: number,
    loss: number,
    hidden: number,
    res: number,
    xb: number,
  ): void;
  validate(kp: number, act: number, v: number, w: number, b: number, x: number, y: number, from: number, to: number, acc: number): void;
  expInPlace(p: number, count: number): void;
}

let compiled: Promise<WebAssembly.Module> | null = null;

/** A fresh instance of the module (compiled once): its own memory, for one model. */
export async function sgdInstance(): Promise<SgdExports> {
  compiled ??= WebAssembly.compile(Uint8Array.from(atob(wasmBase64), (c) => c.charCodeAt(0)));
  const instance = await WebAssembly.instantiate(await compiled, {
    env: {
      abort: () => {
        throw new Error('Internal error: the WebAssembly kernel aborted');
      },
    },
  });
  return instance.exports as unknown as SgdExports;
}

/** Byte offsets of named arrays laid out from `start`, each 16-aligned. */
function layout(start: number, sizes: [string, number][]): { at: Map<string, number>; end: number } {
  const at = new Map<string, number>();
  let p = Math.ceil(start / 16) * 16;
  for (const [name, bytes] of sizes) {
    at.set(name, p);
    p += Math.ceil(bytes / 16) * 16;
  }
  return { at, end: p };
}

/**
 * Models of `exps` (one run's, or a sweep's on the same data), the CpuModel of trainer.ts in
 * float64, in one instance of the module: the data, the visiting order and the scratch of a step
 * are shared (a CPU sweep trains its models one after another), each model has its own theta and
 * loss sums, so a model costs ~3 K float64.
 */
export async function cpuWasmModels(exps: readonly Experiment[], data: CpuData, thetas: readonly Float64Array[]): Promise<CpuModel[]> {
  const { trainPoints: n, valPoints } = exps[0];
  if (exps.some((e) => e.trainPoints !== n || e.valPoints !== valPoints)) throw new Error('Internal error: the models of one wasm instance must share their data.');
  const kps = exps.map((e) => e.config.hiddenUnits + (e.config.hiddenUnits % 2));
  const maxKp = Math.max(...kps);
  const maxB = Math.max(...exps.map((e) => e.config.batchSize));
  const wasm = await sgdInstance();
  const { at, end } = layout(wasm.memory.buffer.byteLength, [
    ['hidden', maxB * maxKp * 8],
    ['res', maxB * 8],
    ['xb', maxB * 8],
    ['xTrain', n * 8],
    ['yTrain', n * 8],
    ['xVal', valPoints * 8],
    ['yVal', valPoints * 8],
    ['order', n * 4],
    ...exps.flatMap((_, m): [string, number][] => [
      [`mask${m}`, 16],
      [`v${m}`, kps[m] * 8],
      [`w${m}`, kps[m] * 8],
      [`b${m}`, kps[m] * 8],
      [`loss${m}`, 16],
      [`val${m}`, 16],
    ]),
  ]);
  const pages = Math.ceil((end - wasm.memory.buffer.byteLength) / 65536);
  try {
    wasm.memory.grow(pages);
  } catch {
    throw new RangeError(`cpu-wasm: ${(end / 2 ** 30).toFixed(1)} GiB of WebAssembly memory is more than one module may have (4 GiB); use fewer points or models.`);
  }
  // Views are made after the memory has grown (growing detaches the old buffer).
  const ptr = (name: string) => at.get(name)!;
  const f64 = (name: string, count: number) => new Float64Array(wasm.memory.buffer, ptr(name), count);
  f64('xTrain', n).set(data.xTrain);
  f64('yTrain', n).set(data.yTrain);
  f64('xVal', valPoints).set(data.xVal);
  f64('yVal', valPoints).set(data.yVal);
  const order = new Uint32Array(wasm.memory.buffer, ptr('order'), n);
  // The model whose visiting order is in `order` now: a model's steps copy its own in when another's is there.
  let orderOf = -1;
  return exps.map((exp, m) => {
    const { config } = exp;
    const K = config.hiddenUnits;
    const B = config.batchSize;
    const kp = kps[m];
    const act = activationCode(config.activation);
    const [pv, pw, pb, pmask, ploss, pval] = ['v', 'w', 'b', 'mask', 'loss', 'val'].map((name) => ptr(`${name}${m}`));
    const [v, w, b] = [f64(`v${m}`, kp), f64(`w${m}`, kp), f64(`b${m}`, kp)];
    f64(`mask${m}`, 2).set([1, K % 2 === 1 ? 0 : 1]);
    const loss = f64(`loss${m}`, 2);
    const val = f64(`val${m}`, 2);
    const theta = Float64Array.from(thetas[m]);
    let epochOrder: Uint32Array | null = null;
    return cpuModelOf({
      // theta as the engines report it (K rows [v, w, b]), kept from the module's three arrays.
      theta,
      loss,
      val,
      exp,
      begin(given) {
        // theta is the model's state between epochs (a stopped sweep puts an epoch's start back in it).
        for (let k = 0; k < K; k++) [v[k], w[k], b[k]] = [theta[3 * k], theta[3 * k + 1], theta[3 * k + 2]];
        epochOrder = given;
        orderOf = -1;
      },
      steps(from, to) {
        if (orderOf !== m) {
          order.set(epochOrder!);
          orderOf = m;
        }
        wasm.steps(kp, B, n, act, config.learningRate, pv, pw, pb, pmask, ptr('xTrain'), ptr('yTrain'), ptr('order'), from, to, ploss, ptr('hidden'), ptr('res'), ptr('xb'));
        for (let k = 0; k < K; k++) [theta[3 * k], theta[3 * k + 1], theta[3 * k + 2]] = [v[k], w[k], b[k]];
      },
      validate(from, to) {
        wasm.validate(kp, act, pv, pw, pb, ptr('xVal'), ptr('yVal'), from, to, pval);
      },
    });
  });
}
