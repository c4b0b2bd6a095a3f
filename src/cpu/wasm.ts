/**
 * The `cpu-wasm` engine: the SGD of one model in WebAssembly with SIMD (asm/sgd.ts, two hidden
 * units a lane pair of f64x2), float64 like `cpu`, behind the same CpuModel as the JavaScript
 * loops. float64 because it is the reference's precision: held to `cpu` within 1e-12, it is the
 * same experiment, only faster; its exp is its own (table-driven: 64 entries and a degree-5
 * polynomial, at most 1 ulp from Math.exp, see asm/sgd.ts) and its alpha adds the two lanes last, so it
 * differs from `cpu` in the last bits, not in what it computes.
 */
import wasmBase64 from '../../asm/sgd.ts?wasm';
import type { Experiment } from '../experiment/config';
import { activationCode } from './kernels';
import type { CpuData, CpuModel } from './trainer';

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

/** Byte offsets of a model's arrays in its instance's memory, each 16-aligned. */
function layout(start: number, sizes: Record<string, number>): { at: Record<string, number>; end: number } {
  const at: Record<string, number> = {};
  let p = Math.ceil(start / 16) * 16;
  for (const [name, bytes] of Object.entries(sizes)) {
    at[name] = p;
    p += Math.ceil(bytes / 16) * 16;
  }
  return { at, end: p };
}

/** A model of `exp` in WebAssembly, from `initialTheta`: the CpuModel of trainer.ts, in float64. */
export async function cpuWasmModel(exp: Experiment, data: CpuData, initialTheta: Float64Array): Promise<CpuModel> {
  const { config, trainPoints: n, valPoints, stepsPerEpoch } = exp;
  const K = config.hiddenUnits;
  const B = config.batchSize;
  const kp = K + (K % 2);
  const act = activationCode(config.activation);
  const wasm = await sgdInstance();
  const { at, end } = layout(wasm.memory.buffer.byteLength, {
    mask: 16,
    v: kp * 8,
    w: kp * 8,
    b: kp * 8,
    loss: 16,
    val: 16,
    hidden: B * kp * 8,
    res: B * 8,
    xb: B * 8,
    xTrain: n * 8,
    yTrain: n * 8,
    xVal: valPoints * 8,
    yVal: valPoints * 8,
    order: n * 4,
  });
  wasm.memory.grow(Math.ceil((end - wasm.memory.buffer.byteLength) / 65536));
  // Views are made after the memory has grown (growing detaches the old buffer).
  const f64 = (name: string, count: number) => new Float64Array(wasm.memory.buffer, at[name], count);
  const [v, w, b] = [f64('v', kp), f64('w', kp), f64('b', kp)];
  f64('mask', 2).set([1, K % 2 === 1 ? 0 : 1]);
  f64('xTrain', n).set(data.xTrain);
  f64('yTrain', n).set(data.yTrain);
  f64('xVal', valPoints).set(data.xVal);
  f64('yVal', valPoints).set(data.yVal);
  const order = new Uint32Array(wasm.memory.buffer, at.order, n);
  const loss = f64('loss', 2);
  const val = f64('val', 2);
  for (let k = 0; k < K; k++) [v[k], w[k], b[k]] = [initialTheta[3 * k], initialTheta[3 * k + 1], initialTheta[3 * k + 2]];
  const theta = Float64Array.from(initialTheta);
  // theta as the engines report it (K rows [v, w, b]), from the module's three arrays.
  const syncTheta = () => {
    for (let k = 0; k < K; k++) [theta[3 * k], theta[3 * k + 1], theta[3 * k + 2]] = [v[k], w[k], b[k]];
  };
  let validated = 0;
  const model: CpuModel = {
    theta,
    beginEpoch(given) {
      order.set(given);
      loss.fill(0);
      val.fill(0);
      validated = 0;
    },
    steps(from, to) {
      wasm.steps(kp, B, n, act, config.learningRate, at.v, at.w, at.b, at.mask, at.xTrain, at.yTrain, at.order, from, to, at.loss, at.hidden, at.res, at.xb);
      syncTheta();
    },
    validate(from, to) {
      if (from !== validated) throw new Error(`Internal error: validation points from ${from}, expected ${validated}.`);
      wasm.validate(kp, act, at.v, at.w, at.b, at.xVal, at.yVal, from, to, at.val);
      validated = to;
    },
    endEpoch() {
      let valLoss: number | null = null;
      if (valPoints > 0) {
        model.validate(validated, valPoints);
        valLoss = val[0] / valPoints;
      }
      return { loss: loss[0] / n, valLoss };
    },
    epoch(given) {
      model.beginEpoch(given);
      model.steps(0, stepsPerEpoch);
      return model.endEpoch();
    },
  };
  return model;
}
