/**
 * The `cpu-wasm` engine: the SGD of one model in WebAssembly with SIMD (asm/sgd.ts, two hidden
 * units to the lanes of an f64x2), float64 like `cpu`, behind the same CpuModel as the JavaScript
 * loops; a sweep steps two models of one shape and seed at once, one in each lane (cpuWasmGroups).
 * float64 because it is the reference's precision: held to `cpu` within 1e-12, it is the same
 * experiment, only faster; its exp is its own (table-driven: 64 entries and a degree-5
 * polynomial, at most 1 ulp from Math.exp, see asm/sgd.ts) and its alpha adds the two lanes
 * last, so it differs from `cpu` in the last bits, not in what it computes. A sweep's models
 * share one instance, and a model stepped in a pair is bit for bit the model stepped alone.
 */
import wasmBase64 from '../../asm/sgd.ts?wasm';
import type { Experiment } from '../experiment/config';
import { mapInSlices } from '../experiment/pause';
import { activationCode } from '../experiment/activation';
import { cpuModelOf, epochKeeper, groupOfOne, type CpuData, type CpuModel, type CpuModelGroup } from './model';

/** What `run` does: a model's steps, or validation points (asm/sgd.ts). */
export const STEPS = 0;
export const VALIDATE = 1;

/** The module's exports (pointers are byte offsets into its memory). */
export interface SgdExports {
  memory: WebAssembly.Memory;
  /**
   * One model's steps [from, to) (op STEPS; `sums` the training loss's Kahan sum) or validation
   * points [from, to) (op VALIDATE; x and y the validation data, `sums` its sum). One function for
   * both, so V8 optimises the validation with the steps (asm/sgd.ts says why).
   */
  run(
    op: number,
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
    sums: number,
    hidden: number,
    res: number,
    xb: number,
  ): void;
  /** `run` for two models in the lanes of an f64x2: `lr` points at their two learning rates, no mask. */
  run2(
    op: number,
    k: number,
    batch: number,
    n: number,
    act: number,
    lr: number,
    v: number,
    w: number,
    b: number,
    x: number,
    y: number,
    order: number,
    from: number,
    to: number,
    sums: number,
    hidden: number,
    res: number,
    xb: number,
  ): void;
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
 * Theta (K rows [v, w, b]) into the module's arrays v, w and b, unit k at `stride` k + `lane`:
 * stride 1 for a model alone, 2 for a lane of a pair.
 */
function thetaIn(theta: Float64Array, v: Float64Array, w: Float64Array, b: Float64Array, stride: number, lane: number): void {
  for (let k = 0, j = lane; k < theta.length / 3; k++, j += stride) {
    v[j] = theta[3 * k];
    w[j] = theta[3 * k + 1];
    b[j] = theta[3 * k + 2];
  }
}

/** thetaIn's reverse: the module's arrays back into theta. */
function thetaOut(theta: Float64Array, v: Float64Array, w: Float64Array, b: Float64Array, stride: number, lane: number): void {
  for (let k = 0, j = lane; k < theta.length / 3; k++, j += stride) {
    theta[3 * k] = v[j];
    theta[3 * k + 1] = w[j];
    theta[3 * k + 2] = b[j];
  }
}

/**
 * A sweep's models in groups of one or two (indices into `exps`, in sweep order): two models pair
 * when they have the same K, batch and activation and visit the points in the same order (the same
 * stream of orders, `orderIndex`), as a sweep's models of one seed mostly do.
 */
export function pairUp(exps: readonly Experiment[], orderIndex: readonly number[]): number[][] {
  const groups: number[][] = [];
  const waiting = new Map<string, number[]>();
  exps.forEach((exp, m) => {
    const { hiddenUnits, batchSize, activation } = exp.config;
    const key = `${hiddenUnits} ${batchSize} ${activation} ${orderIndex[m]}`;
    const open = waiting.get(key);
    if (open) {
      open.push(m);
      waiting.delete(key);
    } else {
      const group = [m];
      groups.push(group);
      waiting.set(key, group);
    }
  });
  return groups;
}

/**
 * The models of `exps` (one run's, or a sweep's on the same data), each stepped alone (two hidden
 * units to an f64x2), the CpuModel of trainer.ts in float64.
 */
export async function cpuWasmModels(exps: readonly Experiment[], data: CpuData, thetas: readonly Float64Array[]): Promise<CpuModel[]> {
  const built = await build(
    exps,
    data,
    thetas,
    exps.map((_, m) => [m]),
  );
  return built.map((g) => (g as { model: CpuModel }).model);
}

/** A sweep's models as it steps them: pairs (pairUp) in the lanes of the pair kernel, the rest alone. */
export async function cpuWasmGroups(
  exps: readonly Experiment[],
  data: CpuData,
  thetas: readonly Float64Array[],
  orderIndex: readonly number[],
  pause?: () => Promise<void>,
): Promise<CpuModelGroup[]> {
  const groups = pairUp(exps, orderIndex);
  // Pairing 60,000 models, laying out their memory and making their groups are each a stretch of
  // work: a pause between them keeps a page responsive and lets a Stop in (~0.4 s in one piece).
  await pause?.();
  const built = await build(exps, data, thetas, groups, pause);
  return built.map((g, i) => ('model' in g ? groupOfOne(g.model, groups[i][0]) : g.group));
}

/**
 * `groups` of `exps` (each one model or two) in one instance of the module: the data, the
 * visiting order and the scratch of a step are shared (a CPU sweep trains its groups one after
 * another), each group has its own theta and loss sums, so a model costs ~3 K float64.
 */
async function build(
  exps: readonly Experiment[],
  data: CpuData,
  thetas: readonly Float64Array[],
  groups: readonly number[][],
  pause: () => Promise<void> = async () => undefined,
): Promise<({ model: CpuModel } | { group: CpuModelGroup })[]> {
  const { trainPoints: n, valPoints } = exps[0];
  if (exps.some((e) => e.trainPoints !== n || e.valPoints !== valPoints)) throw new Error('Internal error: the models of one wasm instance must share their data.');
  // A model alone holds its units two to an f64x2, K rounded up to even; a pair holds unit k of both in one.
  const kps = exps.map((e) => e.config.hiddenUnits + (e.config.hiddenUnits % 2));
  const maxKp = Math.max(...kps);
  const maxB = Math.max(...exps.map((e) => e.config.batchSize));
  const wasm = await sgdInstance();
  const common = layout(wasm.memory.buffer.byteLength, [
    // A pair's hidden values take 16 bytes a unit, a model's alone 8 a unit of Kp.
    ['hidden', maxB * maxKp * 16],
    ['res', maxB * 16],
    ['xb', maxB * 8],
    ['xTrain', n * 8],
    ['yTrain', n * 8],
    ['xVal', valPoints * 8],
    ['yVal', valPoints * 8],
    ['order', n * 4],
  ]);
  // Each group's arrays after the shared ones: offsets by arithmetic, not a name each (a table of
  // 180,000 names for 60,000 models took ~0.2 s in one piece).
  const fields = (members: number[]): [string, number][] => {
    const K = exps[members[0]].config.hiddenUnits;
    return members.length === 1
      ? [
          ['mask', 16],
          ['v', kps[members[0]] * 8],
          ['w', kps[members[0]] * 8],
          ['b', kps[members[0]] * 8],
          ['loss', 16],
          ['val', 16],
        ]
      : [
          ['lr', 16],
          ['v', K * 16],
          ['w', K * 16],
          ['b', K * 16],
          ['loss', 32],
          ['val', 32],
        ];
  };
  const aligned = (bytes: number) => Math.ceil(bytes / 16) * 16;
  const groupBase = new Float64Array(groups.length);
  let end = common.end;
  groups.forEach((members, g) => {
    groupBase[g] = end;
    end += fields(members).reduce((sum, [, bytes]) => sum + aligned(bytes), 0);
  });
  /** Where array `name` of group g starts. */
  const groupPtr = (g: number, name: string) => {
    let p = groupBase[g];
    for (const [field, bytes] of fields(groups[g])) {
      if (field === name) return p;
      p += aligned(bytes);
    }
    throw new Error(`Internal error: no array ${name} in group ${g}`);
  };
  await pause();
  const pages = Math.ceil((end - wasm.memory.buffer.byteLength) / 65536);
  try {
    wasm.memory.grow(pages);
  } catch {
    throw new RangeError(`cpu-wasm: ${(end / 2 ** 30).toFixed(1)} GiB of WebAssembly memory is more than one module may have (4 GiB); use fewer points or models.`);
  }
  // Views are made after the memory has grown (growing detaches the old buffer).
  const ptr = (name: string) => common.at.get(name)!;
  const f64At = (p: number, count: number, from = 0) => new Float64Array(wasm.memory.buffer, p + 8 * from, count);
  const f64 = (name: string, count: number) => f64At(ptr(name), count);
  f64('xTrain', n).set(data.xTrain);
  f64('yTrain', n).set(data.yTrain);
  f64('xVal', valPoints).set(data.xVal);
  f64('yVal', valPoints).set(data.yVal);
  const order = new Uint32Array(wasm.memory.buffer, ptr('order'), n);
  // The group whose visiting order is in `order` now: a group's steps copy its own in when another's is there.
  let orderOf = -1;
  const shared = [ptr('xTrain'), ptr('yTrain'), ptr('order')] as const;
  const scratch = [ptr('hidden'), ptr('res'), ptr('xb')] as const;
  const validation = [ptr('xVal'), ptr('yVal')] as const;
  return mapInSlices(groups, 512, pause, groupAt);

  /** Group g's model (one) or group (a pair), on its part of the module's memory. */
  function groupAt(members: number[], g: number): { model: CpuModel } | { group: CpuModelGroup } {
    const { config } = exps[members[0]];
    const K = config.hiddenUnits;
    const B = config.batchSize;
    const act = activationCode(config.activation);
    const [pv, pw, pb, ploss, pval, plr, pmask] = ['v', 'w', 'b', 'loss', 'val', 'lr', 'mask'].map((name) =>
      (members.length === 2 ? name !== 'mask' : name !== 'lr') ? groupPtr(g, name) : 0,
    );
    let epochOrder: Uint32Array | null = null;
    const useOrder = () => {
      if (orderOf !== g) {
        order.set(epochOrder!);
        orderOf = g;
      }
    };
    if (members.length === 2) {
      // Unit k of model A at 2k, of model B at 2k + 1.
      const [v, w, b] = [f64At(pv, 2 * K), f64At(pw, 2 * K), f64At(pb, 2 * K)];
      f64At(plr, 2).set(members.map((m) => exps[m].config.learningRate));
      const sums = [0, 1].map((i) => ({ loss: f64At(ploss, 2, 2 * i), val: f64At(pval, 2, 2 * i) }));
      const keeper = epochKeeper(exps[members[0]], sums, (from, to) => wasm.run2(VALIDATE, K, 0, 0, act, 0, pv, pw, pb, ...validation, 0, from, to, pval, 0, 0, 0));
      const own = members.map((m) => Float64Array.from(thetas[m]));
      let live: readonly boolean[] = [true, true];
      const group: CpuModelGroup = {
        members,
        thetas: own,
        beginEpoch(given, alive) {
          // Each theta is its model's state between epochs, as a single model's (see below).
          own.forEach((theta, i) => thetaIn(theta, v, w, b, 2, i));
          live = alive;
          epochOrder = given;
          orderOf = -1;
          keeper.begin();
        },
        steps(from, to) {
          useOrder();
          wasm.run2(STEPS, K, B, n, act, plr, pv, pw, pb, ...shared, from, to, ploss, ...scratch);
          // A diverged member's theta stays where it diverged (its lane runs on, unread).
          own.forEach((theta, i) => live[i] && thetaOut(theta, v, w, b, 2, i));
        },
        validate: (from, to) => keeper.validate(from, to),
        endEpoch: () => keeper.end(),
      };
      return { group };
    }
    const [m] = members;
    const kp = kps[m];
    const [v, w, b] = [f64At(pv, kp), f64At(pw, kp), f64At(pb, kp)];
    f64At(pmask, 2).set([1, K % 2 === 1 ? 0 : 1]);
    const theta = Float64Array.from(thetas[m]);
    const model = cpuModelOf({
      // theta as the engines report it (K rows [v, w, b]), kept from the module's three arrays.
      theta,
      loss: f64At(ploss, 2),
      val: f64At(pval, 2),
      exp: exps[m],
      begin(given) {
        // theta is the model's state between epochs (a stopped sweep puts an epoch's start back in it).
        thetaIn(theta, v, w, b, 1, 0);
        epochOrder = given;
        orderOf = -1;
      },
      steps(from, to) {
        useOrder();
        wasm.run(STEPS, kp, B, n, act, config.learningRate, pv, pw, pb, pmask, ...shared, from, to, ploss, ...scratch);
        thetaOut(theta, v, w, b, 1, 0);
      },
      validate(from, to) {
        wasm.run(VALIDATE, kp, 0, 0, act, 0, pv, pw, pb, 0, ...validation, 0, from, to, pval, 0, 0, 0);
      },
    });
    return { model };
  }
}
