/**
 * The benchmark's `native-c` row: the plain C loop of src/bench/native.c, compiled once with the
 * machine's C compiler (`cc`, or $CC) at -O2 and run as a child process on the lecture's data, so
 * the WebAssembly engine's time can be set against native code's on the same machine in the same
 * run. A machine without a compiler gets no row and a line saying why.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import source from '../bench/native.c?raw';
import type { FloorRun } from '../bench/floor';
import { prepareExperiment, type ExperimentConfig } from '../experiment/config';
import { initialTheta, makeDataset, orderSeed } from '../experiment/data';

/** The compiled loop: a run of it on a config, the compiler it was built with, and the clean-up of its folder. */
export interface NativeFloor {
  run(config: Partial<ExperimentConfig>): Promise<FloorRun | { error: string }>;
  compiler: string;
  dispose(): void;
}

/** The flags the loop is compiled with: plain -O2, as the native limit was measured. */
export const NATIVE_FLAGS = ['-O2'];

/** Compiles native.c; the compiler's error (or its absence) as `error`. */
export function compileNativeFloor(cc = process.env.CC || 'cc'): NativeFloor | { error: string } {
  const dir = mkdtempSync(join(tmpdir(), 'webgpu-sgd-native-'));
  const dispose = () => rmSync(dir, { recursive: true, force: true });
  const src = join(dir, 'native.c');
  const bin = join(dir, 'native-c');
  writeFileSync(src, source);
  let compiler: string;
  try {
    compiler = execFileSync(cc, ['--version'], { encoding: 'utf8', timeout: 10_000 }).split('\n')[0].trim();
    execFileSync(cc, [...NATIVE_FLAGS, '-o', bin, src, '-lm'], { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    dispose();
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') return { error: `no C compiler ("${cc}") on this machine` };
    return { error: `${cc} could not compile the C loop: ${(err.stderr ?? err.message).trim().split('\n')[0]}` };
  }
  return { run: (config) => runNative(bin, join(dir, 'input.bin'), config), compiler: `${compiler}, ${NATIVE_FLAGS.join(' ')}`, dispose };
}

/** Writes the run's inputs (the format native.c reads), runs the loop, and reads its time and history. */
async function runNative(bin: string, input: string, config: Partial<ExperimentConfig>): Promise<FloorRun | { error: string }> {
  const exp = prepareExperiment(config);
  if (exp.config.activation !== 'sigmoid') return { error: 'the C loop has sigmoid units only' };
  const { xTrain, yTrain, xVal, yVal } = makeDataset(exp);
  const K = exp.config.hiddenUnits;
  const n = exp.trainPoints;
  const nv = exp.valPoints;
  const buffer = new ArrayBuffer(6 * 4 + 4 + 8 + 8 * (2 * n + 2 * nv + 3 * K));
  const view = new DataView(buffer);
  [K, exp.config.batchSize, n, nv, exp.epochs, exp.config.shuffle ? 1 : 0].forEach((v, i) => view.setInt32(4 * i, v, true));
  view.setUint32(24, orderSeed(exp), true);
  view.setFloat64(28, exp.config.learningRate, true);
  let at = 36;
  for (const array of [xTrain, yTrain, xVal, yVal, initialTheta(exp)]) {
    for (const v of array) {
      view.setFloat64(at, v, true);
      at += 8;
    }
  }
  writeFileSync(input, new Uint8Array(buffer));
  const out = await new Promise<string | { error: string }>((resolve) =>
    execFile(bin, [input], { encoding: 'utf8', timeout: 120_000 }, (err, stdout, stderr) =>
      resolve(err ? { error: `the C loop failed: ${(stderr || err.message).trim()}` } : stdout),
    ),
  );
  if (typeof out !== 'string') return out;
  const r = JSON.parse(out) as { trainMs: number; loss: (number | null)[]; valLoss: (number | null)[] };
  return { trainMs: r.trainMs, loss: r.loss.map((l) => l ?? NaN), valLoss: nv > 0 ? r.valLoss : r.valLoss.map(() => null) };
}
