/** `webgpu-sgd train` (npm run train) end to end, as a user runs it: files, printed lines, exit codes, Ctrl-C. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { kerasNumber } from '../../src/experiment/records';
import { PLOT_SIZE } from '../../src/cli/train';
import { train } from '../../src/train';
import { runBin, runCli, tempDirs } from './run';

const tempDir = tempDirs('webgpu-sgd-train-');

const read = (dir: string, name: string) => readFileSync(join(dir, name), 'utf8');

/** The epochs printed as Keras prints them: [epoch, epochs, loss text, val_loss text]. */
function printedEpochs(stdout: string): [number, number, string, string][] {
  return [...stdout.matchAll(/^Epoch (\d+)\/(\d+) - .* - loss: (\S+) - val_loss: (\S+)$/gm)].map((m) => [Number(m[1]), Number(m[2]), m[3], m[4]]);
}

function expectPng(path: string) {
  const png = PNG.sync.read(readFileSync(path));
  expect([png.width, png.height]).toEqual([PLOT_SIZE.width, PLOT_SIZE.height]);
  // Not a blank canvas: the white background plus lines in at least two other colours.
  const colours = new Set<number>();
  for (let i = 0; i < png.data.length; i += 4 * 97) colours.add(png.data.readUInt32BE(i));
  expect(colours.size).toBeGreaterThan(3);
}

describe('npm run train', () => {
  it('trains a small config end to end: files that parse, EPOCHS rows, plots of the stated size, lines that match', async () => {
    const out = tempDir();
    const r = await runCli('train', ['--M', '2400', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const history = JSON.parse(read(out, 'history.json'));
    expect(history.derived.epochs).toBe(3);
    expect(history.status).toBe('completed');
    expect(history.history.loss).toHaveLength(3);
    expect(history.history.val_loss).toHaveLength(3);
    const csv = read(out, 'history.csv').trim().split('\n');
    expect(csv[0]).toBe('epoch,loss,val_loss');
    expect(csv.slice(1).map((row) => row.split(',').map(Number))).toEqual(history.history.loss.map((l: number, i: number) => [i + 1, l, history.history.val_loss[i]]));
    const theta = JSON.parse(read(out, 'theta.json'));
    expect(theta.theta).toHaveLength(10);
    const [kernel, bias, output] = theta.keras_get_weights;
    expect([kernel.length, kernel[0].length, bias.length, output.length, output[0].length]).toEqual([1, 10, 10, 10, 1]);
    expect(kernel[0][3]).toBe(theta.theta[3][1]);
    expectPng(join(out, 'alpha.png'));
    expectPng(join(out, 'loss.png'));
    const lines = printedEpochs(r.stdout);
    expect(lines).toEqual(history.history.loss.map((l: number, i: number) => [i + 1, 3, kerasNumber(l), kerasNumber(history.history.val_loss[i])]));
    // At most one dispatch an epoch, on the adapter the run names, with the kernel the calibration chose.
    expect(r.stdout).toMatch(
      /Done: 3\/3 epochs, loss \S+, val_loss \S+, [\d.]+ s, \d+ steps\/s, [123] dispatch(es)?, on .+ \(kernel: (subgroup, \d+ lanes a model|invocation a model, \d+ a workgroup|tiled, \d+ invocations a model)\); set-up [\d.]+ s( \(.+\))?$/m,
    );
  });

  it.each([
    [['--K', '0'], /--K: hiddenUnits \(K\) must be an integer from 1 to 4096, got 0/],
    [['--dt', 'fast'], /option '--dt <rate>' argument 'fast' is invalid\. expected a decimal number, got "fast"/],
    [['--engine', 'tpu'], /--engine <engine>' argument 'tpu' is invalid/],
    [['--split', '1'], /--split: validationSplit .* must be in \[0, 1\), got 1/],
    [['--M', '10'], /--M: EPOCHS .* is 0/],
    [['--bogus'], /unknown option '--bogus'/],
    [['--activation', 'softmax'], /--activation <name>' argument 'softmax' is invalid\. Allowed choices are sigmoid, tanh, relu/],
  ])('refuses %j with exit code 2 and a message', async (args, message) => {
    const r = await runCli('train', [...args, '--out', tempDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('trains relu units with --activation relu: the run, history.json and theta.json say so', async () => {
    const out = tempDir();
    const r = await runCli('train', ['--activation', 'relu', '--M', '1600', '--engine', 'cpu', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Training alpha with K = 10 \(relu\) on 800 points/m);
    expect(JSON.parse(read(out, 'history.json')).config.activation).toBe('relu');
    const theta = JSON.parse(read(out, 'theta.json'));
    expect(theta.activation).toBe('relu');
    expect(theta.layout).toContain('v_k relu(w_k x + b_k)');
  });

  it('continues from a theta.json with --init: the first epoch is the API run from that theta; the network printed with its numbers; a theta that does not fit refused', async () => {
    const first = tempDir();
    expect((await runCli('train', ['--M', '2400', '--engine', 'cpu', '--out', first])).code).toBe(0);
    const written = JSON.parse(read(first, 'theta.json'));
    const next = tempDir();
    const r = await runCli('train', ['--M', '2400', '--engine', 'cpu', '--init', join(first, 'theta.json'), '--out', next]);
    expect(r.code, r.stderr).toBe(0);
    const continued = await train({ steps: 2400, initialTheta: written.theta.flat() }, { engine: 'cpu' });
    expect(JSON.parse(read(next, 'history.json')).history.loss).toEqual(continued.history.loss);
    // The network as a formula, printed and kept in theta.json.
    const formula = JSON.parse(read(next, 'theta.json')).formula as string;
    expect(formula).toMatch(/^alpha\(x\) = -?[\d.]+ σ\(-?[\d.]+ x [+-] [\d.]+\)( [+-] [\d.]+ σ\(-?[\d.]+ x [+-] [\d.]+\)){9}$/);
    expect(r.stdout).toContain(`The network: ${formula}`);
    for (const [args, message] of [
      [['--K', '4'], /^error: --init: .*theta\.json: the theta has K = 10 hidden units, the experiment K = 4 \(--K, --activation\)$/m],
      [['--activation', 'tanh'], /the theta was trained with sigmoid units, the experiment has tanh/],
      [['--sweep', 'lr=0.01,K=4'], /--init is for a single run/],
    ] as const) {
      const refused = await runCli('train', ['--engine', 'cpu', '--init', join(first, 'theta.json'), ...args]);
      expect(refused.code, refused.stderr).toBe(2);
      expect(refused.stderr).toMatch(message);
    }
  });

  it('lists its flags with --help', async () => {
    const r = await runCli('train', ['--help']);
    expect(r.code).toBe(0);
    for (const flag of ['--N', '--K', '--activation', '--M', '--dt', '--batch', '--split', '--seed', '--init-seed', '--engine', '--target', '--out'])
      expect(r.stdout).toContain(flag);
  });

  it('lists the commands with --help at once (built JavaScript, nothing loaded but the parser)', async () => {
    for (const args of [['--help'], ['train', '--help']]) {
      const t0 = performance.now();
      const r = await runBin(args);
      const ms = performance.now() - t0;
      console.log(`webgpu-sgd ${args.join(' ')}: ${ms.toFixed(0)} ms`);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(args.length === 1 ? /^Usage: webgpu-sgd <command>/ : /--runtime <runtime>/);
      expect(ms).toBeLessThan(2000);
    }
    const unknown = await runBin(['tarin']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown command 'tarin'/);
  });

  it('without WebGPU: exit code 3 and what to try for the GPU, in Chrome and in Node, while --engine cpu works', async () => {
    const chrome = await runCli('train', ['--M', '1600', '--runtime', 'chrome', '--out', tempDir()], { env: { WEBGPU_SGD_NO_WEBGPU: '1' } });
    expect(chrome.code).toBe(3);
    expect(chrome.stderr).toMatch(/no WebGPU adapter.*\n.*Try --engine cpu/);
    // Dawn with no Vulkan driver to find.
    const node = await runCli('train', ['--M', '1600', '--runtime', 'node', '--out', tempDir()], { env: { VK_ICD_FILENAMES: '/nonexistent/icd.json' } });
    expect(node.code).toBe(3);
    expect(node.stderr).toMatch(/no WebGPU adapter: .*VK_ICD_FILENAMES.*\n.*Try --engine cpu/);
    const out = tempDir();
    const cpu = await runCli('train', ['--M', '1600', '--engine', 'cpu', '--out', out], { env: { WEBGPU_SGD_NO_WEBGPU: '1' } });
    expect(cpu.code, cpu.stderr).toBe(0);
    expect(JSON.parse(read(out, 'history.json')).history.loss).toHaveLength(2);
  });

  it('runs the GPU in this process (Dawn) by default, and in headless Chrome with --runtime chrome: the same epochs, the same files', async () => {
    const runs: number[][] = [];
    for (const runtime of ['auto', 'chrome']) {
      const out = tempDir();
      const r = await runCli('train', ['--M', '2400', '--runtime', runtime, '--out', out]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(runtime === 'auto' ? /engine gpu on .* \(Node v\d+/ : /engine gpu on .* \((Headless)?Chrome\/\d+/);
      expectPng(join(out, 'alpha.png'));
      runs.push(JSON.parse(read(out, 'history.json')).history.loss as number[]);
    }
    expect(runs[0]).toHaveLength(3);
    runs[0].forEach((l, i) => expect(Math.abs(l - runs[1][i]) / l).toBeLessThan(1e-4));
  });

  it('refuses cpu-workers in Node with what to do, and runs it in Chrome by default', async () => {
    const node = await runCli('train', ['--M', '1600', '--engine', 'cpu-workers', '--runtime', 'node', '--out', tempDir()]);
    expect(node.code).toBe(3);
    expect(node.stderr).toMatch(/cpu-workers engine needs Web Workers/);
    const chrome = await runCli('train', ['--M', '1600', '--engine', 'cpu-workers', '--out', tempDir()]);
    expect(chrome.code, chrome.stderr).toBe(0);
    expect(chrome.stdout).toMatch(/Web Workers/);
  });

  it('stops a diverging run with exit code 4, keeping the epochs before it', async () => {
    const out = tempDir();
    const r = await runCli('train', ['--dt', '5', '--M', '4000', '--out', out]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/diverged at epoch \d+.*smaller learning rate/);
  });

  it('--sweep trains every model at once: a row each in sweep.csv, the lr x K table, the heatmap', async () => {
    const out = tempDir();
    const r = await runCli('train', ['--sweep', 'lr=0.002:8:log3,K=2:8:x2', '--seeds', '2', '--M', '1600', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const rows = read(out, 'sweep.csv').trim().split('\n');
    expect(rows[0]).toBe('model,learning_rate,K,init_seed,final_loss,final_val_loss,diverged_at_epoch');
    expect(rows).toHaveLength(1 + 3 * 3 * 2);
    const cells = rows.slice(1).map((row) => row.split(','));
    // lr 8 diverges (or is far off where K = 2 survives two epochs); the others finish.
    for (const c of cells) {
      if (Number(c[1]) === 8) expect(c[6] !== '' || Number(c[4]) > 10, c.join(',')).toBe(true);
      else expect([c[4], c[6]]).toEqual([expect.stringMatching(/^\d/), '']);
    }
    const diverged = cells.filter((c) => c[6] !== '').length;
    expect(diverged).toBeGreaterThanOrEqual(4);
    expect(r.stdout).toMatch(/^lr \\ K\s+2\s+4\s+8$/m);
    expect(r.stdout).toMatch(/^8\.00\s+\S+\s+div\s+div$/m);
    // Both epochs of every model in at most one dispatch an epoch for each of the 3 K (short epochs may share one).
    const done = r.stdout.match(new RegExp(`Done: 18 models, 2/2 epochs, ${diverged} diverged, .* (\\d+) dispatch(es)?`));
    expect(done, r.stdout).not.toBeNull();
    expect(Number(done![1])).toBeGreaterThanOrEqual(3);
    expect(Number(done![1])).toBeLessThanOrEqual(2 * 3);
    const json = JSON.parse(read(out, 'sweep.json'));
    expect(json.loss).toHaveLength(2);
    expect(json.loss[1]).toHaveLength(18);
    expectPng(join(out, 'heatmap.png'));
    // The colour scale right of the cells: its gradient's colours in a column of the right margin.
    const heatmap = PNG.sync.read(readFileSync(join(out, 'heatmap.png')));
    const column = new Set<number>();
    for (let y = 100; y < heatmap.height - 100; y += 7) column.add(heatmap.data.readUInt32BE(4 * (y * heatmap.width + heatmap.width - 60)));
    expect(column.size).toBeGreaterThan(10);
  });

  it('refuses an --out it cannot write, at once and before training, with a one-line reason', async () => {
    // Under /proc Node's recursive mkdir never returns; the folder is probed instead.
    const started = Date.now();
    const proc = await runCli('train', ['--out', '/proc/webgpu-sgd-forbidden'], { timeoutMs: 30_000 });
    expect(proc.code).toBe(2);
    expect(proc.stderr.trim()).toMatch(/^error: --out: cannot write in \/proc \(\w+\)$/);
    expect(Date.now() - started).toBeLessThan(10_000);
    // A file where the folder should be, and a folder where history.json should be.
    const base = tempDir();
    writeFileSync(join(base, 'plain-file'), 'x');
    const file = await runCli('train', ['--out', join(base, 'plain-file', 'out')]);
    expect(file.code).toBe(2);
    expect(file.stderr).toMatch(/plain-file is a file, not a folder/);
    mkdirSync(join(base, 'history.json'));
    const folder = await runCli('train', ['--M', '800', '--out', base]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toMatch(/history\.json is a folder; the run writes a file of that name there/);
    expect(folder.stdout).not.toMatch(/Epoch/);
  });

  it('refuses a bad --sweep with exit code 2, before starting a browser', async () => {
    const r = await runCli('train', ['--sweep', 'lr=0.1:0.01:log3', '--out', tempDir()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--sweep: lr: the range 0\.1:0\.01 runs backwards/);
  });

  it('stops cleanly on Ctrl-C and keeps what was done', async () => {
    const out = tempDir();
    const r = await runCli('train', ['--engine', 'gpu-perop', '--out', out], { interruptWhen: /^Epoch 2\/50/m });
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/Stopping \(SIGINT\); what completed will be written/);
    const history = JSON.parse(read(out, 'history.json'));
    expect(history.status).toBe('aborted');
    expect(history.history.loss.length).toBeGreaterThanOrEqual(2);
    expect(history.history.loss.length).toBeLessThan(50);
    expect(printedEpochs(r.stdout).length).toBe(history.history.loss.length);
    expectPng(join(out, 'loss.png'));
  });
});
