/**
 * What a user can type that must neither hang, crash nor run away: work past the budget refused
 * at once (exit 2, the flag named, the estimate and the limit), signals answered inside an epoch
 * (exit 130 / 143, what completed written), and the small refusals of the command line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUDGET } from '../../src/experiment/config';
import { MAX_MODELS } from '../../src/experiment/sweep';
import { runCli, tempDirs } from './run';

const tempDir = tempDirs('webgpu-sgd-limits-');
const history = (dir: string) => JSON.parse(readFileSync(join(dir, 'history.json'), 'utf8'));

describe('npm run train refuses work past its budget, at once', () => {
  it.each([
    [
      '10^8 models by seeds',
      ['--sweep', 'lr=0.01', '--seeds', '100000000'],
      new RegExp(`^error: --seeds: 1 learning rates x 1 K x 100000000 seeds = 100000000 models: at most ${MAX_MODELS} in one sweep$`),
    ],
    [
      '10^8 models by axes',
      ['--sweep', 'lr=0.001:0.1:log1000,K=1:4096:1000', '--seeds', '100'],
      /^error: --seeds: 1000 learning rates x 1000 K x 100 seeds = 100000000 models: at most/,
    ],
    [
      '10^12 hidden-unit evaluations',
      ['--N', '1000000', '--K', '4096', '--M', '1000000000'],
      /^error: --M: M x batch x K = 4\.10e\+12 hidden-unit evaluations is more than the limit of 1e\+12/,
    ],
    ['6 x 10^8 epochs', ['--N', '2', '--M', '1000000000'], new RegExp(`^error: --M: EPOCHS = 625000000 is more than the ${BUDGET.epochs} epochs a run may have`)],
    [
      '30 GiB of memory (the history of 20,000 models over 10^5 epochs)',
      ['--N', '10', '--batch', '8', '--M', '100000', '--sweep', 'lr=0.001:0.1:log20000'],
      /^error: --sweep: the run needs about 29\.8 GiB of memory for 20000 models, more than the limit of 2\.0 GiB/,
    ],
  ])('%s: exit 2 within 10 s, one line naming the flag, the estimate and the limit', async (_, args, message) => {
    const started = performance.now();
    const r = await runCli('train', [...args, '--out', tempDir()], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim()).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it.each([
    ['an empty --sweep', ['--sweep', ''], /^error: --sweep: no axis given/],
    ['--seeds without --sweep', ['--seeds', '4'], /^error: --seeds: seeds are counted per cell of a sweep; give --sweep too/],
    ['a hexadecimal number', ['--K', '0x10'], /argument '0x10' is invalid\. expected a decimal number, got "0x10"/],
    ['Infinity', ['--dt', 'Infinity'], /argument 'Infinity' is invalid/],
  ])('refuses %s with exit 2', async (_, args, message) => {
    const r = await runCli('train', [...args, '--out', tempDir()], { timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(message);
  });

  it('takes a decimal comma as the page does: --dt 0,008 is the lecture run', async () => {
    const r = await runCli('train', ['--dt', '0,008', '--M', '1600', '--engine', 'cpu', '--out', tempDir()]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/dt = 0\.008, engine cpu/);
  });
});

describe('npm run train answers a signal inside a long epoch', () => {
  // N = 10^7: an epoch is 8,000,000 steps (seconds on either engine here), ten of them.
  const long = ['--N', '10000000', '--M', '80000000'];

  // The signal comes half a second after the first epoch's line, inside the second epoch (seconds
  // long on either engine), however long the setup took under the suite's load.
  it.each([
    ['cpu', 'SIGINT', 130],
    ['gpu', 'SIGTERM', 143],
  ] as const)('--engine %s, %s inside an epoch: exit %i soon after, the partial epoch written as such', async (engine, signal, code) => {
    const out = tempDir();
    const r = await runCli('train', [...long, '--engine', engine, '--out', out], { interruptWhen: /^Epoch 1\/10 /m, delayMs: 500, signal, timeoutMs: 90_000 });
    expect(r.code, r.stderr).toBe(code);
    expect(r.stderr).toMatch(new RegExp(`Stopping \\(${signal}\\); what completed will be written`));
    // The run stops within its next slice or span; the rest is writing files and closing Chrome.
    expect(r.afterSignalMs!).toBeLessThan(8_000);
    const h = history(out);
    expect(h.status).toBe('aborted');
    const { epoch, steps, stepsDone } = h.partialEpoch;
    expect(steps).toBe(8_000_000);
    // 0 when the Stop came while the epoch's order was being shuffled, before its first step.
    expect(stepsDone).toBeGreaterThanOrEqual(0);
    expect(stepsDone).toBeLessThan(8_000_000);
    expect(h.history.loss.length).toBeLessThan(epoch);
    expect(epoch).toBeGreaterThanOrEqual(2);
    expect(r.stdout).toMatch(
      new RegExp(`^Stopped after epoch ${h.history.loss.length} of 10; stopped in epoch ${epoch} after ${stepsDone} of its 8000000 steps \\(not in the history\\)`, 'm'),
    );
  });
});
