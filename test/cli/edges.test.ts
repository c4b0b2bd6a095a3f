/**
 * The command against what a user may type, stop or kill: formulas that parse but cannot be used,
 * sweep axes past the model limit, signals in every phase with no process left behind, and output
 * files written whole or not at all.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDirs } from './run';

const tempDir = tempDirs('webgpu-sgd-edges-');

/** The first data point of seed 123 (numpy), between two points of the plot grid. */
const FIRST_X = '1.5717534847828931';

describe('a formula that parses but cannot be used', () => {
  it.each([
    ['too few arguments', 'sin()', /sin\(\) takes 1 argument, not 0/],
    ['too few arguments for pow', 'pow(x)', /pow\(\) takes 2 arguments, not 1/],
    ['a call mathjs refuses when evaluated', 'round(x, 100)', /f\(-4\) cannot be evaluated: Number of decimals/],
    ['values whose squares overflow float32', '1e200*x', /f\(-4\) = -4\.000e\+200: its square overflows float32/],
    ['infinite at one data point only', `abs(x - ${FIRST_X}) < 1e-9 ? 1/0 : x`, new RegExp(`f\\(${FIRST_X}\\) = Infinity is not a finite number at data point 0`)],
    ['throwing at one data point only', `abs(x - ${FIRST_X}) < 1e-9 ? round(x, 100) : x`, new RegExp(`f\\(${FIRST_X}\\) cannot be evaluated: .* at data point 0`)],
  ])('%s: exit 2, one line naming --target and the formula', async (_, formula, reason) => {
    for (const engine of ['cpu', 'gpu']) {
      const r = await runCli('train', ['--target', formula, '--engine', engine, '--M', '1600', '--out', tempDir()], { timeoutMs: 60_000 });
      expect(r.code, `${engine}: ${r.stderr}`).toBe(2);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0].startsWith(`error: --target: formula "${formula}": `), lines[0]).toBe(true);
      expect(lines[0]).toMatch(reason);
    }
  });
});

/** The processes whose environment holds `mark`: the command's and everything it started (Chromium, its crashpad handlers, a restarted child). */
function processesMarked(mark: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`WEBGPU_SGD_TEST_MARK=${mark}`))
        found.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'latin1').replace(/\0/g, ' ').slice(0, 100)}`);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

const SIGNAL_EXIT: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

describe.runIf(process.platform === 'linux')('no process left behind, whatever ends the command', () => {
  const commands: [string, string, string[], RegExp][] = [
    ['train --runtime chrome', 'train', ['--runtime', 'chrome', '--M', '40000000'], /^Epoch 1\//m],
    ['train (Dawn, started again for the Vulkan loader)', 'train', ['--M', '40000000'], /^Epoch 1\//m],
    ['bench --quick', 'bench', ['--quick'], /^median training time/m],
  ];
  for (const [name, script, args, when] of commands) {
    it.each(['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGKILL'] as NodeJS.Signals[])(
      `${name}, %s: the exit code of the signal, and no process of the run alive 2 s later`,
      async (signal) => {
        const mark = `${process.pid}-${Math.random().toString(36).slice(2)}`;
        const out = tempDir();
        const r = await runCli(script, [...args, '--out', out], { env: { WEBGPU_SGD_TEST_MARK: mark }, interruptWhen: when, signal, delayMs: 300, timeoutMs: 120_000 });
        console.log(`${name}, ${signal}: exit ${r.code} ${r.afterSignalMs?.toFixed(0)} ms after the signal`);
        expect(r.afterSignalMs, r.stderr).not.toBeNull();
        if (signal === 'SIGKILL') expect(r.code).toBeNull();
        else {
          expect(r.code, r.stderr).toBe(SIGNAL_EXIT[signal]);
          expect(r.afterSignalMs!).toBeLessThan(1500);
          // What completed is written, whole.
          const file = script === 'bench' ? 'bench.json' : 'history.json';
          const written = JSON.parse(readFileSync(join(out, file), 'utf8')) as { status: string };
          expect(written.status).toMatch(script === 'bench' ? /^stopped by a signal/ : /^aborted$/);
        }
        await new Promise((done) => setTimeout(done, 2000));
        expect(processesMarked(mark)).toEqual([]);
      },
    );
  }
});

describe('files written whole or not at all', () => {
  it('a full disk: one line naming the file and the reason, exit 1 after the epochs, the previous run intact, no temporary left', async (ctx) => {
    const disk = tempDir();
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', disk]);
    if (mounted.status !== 0) {
      console.log(`no tmpfs here (${mounted.stderr.toString().trim() || mounted.error?.message}): skipped`);
      ctx.skip();
    }
    try {
      const out = join(disk, 'out');
      const first = await runCli('train', ['--engine', 'cpu', '--M', '1600', '--out', out]);
      expect(first.code, first.stderr).toBe(0);
      const before = Object.fromEntries(readdirSync(out).map((f) => [f, readFileSync(join(out, f))]));
      expect(Object.keys(before).sort()).toEqual(['alpha.png', 'history.csv', 'history.json', 'loss.png', 'theta.json']);
      // Fill the disk but for 8 KiB: the new history.json fits, its plots do not.
      const { bavail, bsize } = statfsSync(disk);
      writeFileSync(join(disk, 'filler'), Buffer.alloc(Math.max(0, bavail * bsize - 8192)));
      const second = await runCli('train', ['--engine', 'cpu', '--M', '4000', '--out', out]);
      expect(second.code, second.stderr).toBe(1);
      expect(second.stdout).toMatch(/^Epoch 5\/5 /m);
      const lines = second.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^error: cannot write ${out}/[a-z]+\\.(json|csv|png): ENOSPC: no space left on device`));
      for (const [name, bytes] of Object.entries(before)) expect(readFileSync(join(out, name)).equals(bytes), name).toBe(true);
      expect(readdirSync(out).sort()).toEqual(Object.keys(before).sort());
    } finally {
      spawnSync('umount', [disk]);
    }
  });

  it('two runs into one folder at once: every file a reader sees is whole', async () => {
    const out = tempDir();
    const runs = [0, 1].map(() => runCli('train', ['--engine', 'cpu', '--M', '1600', '--out', out]));
    let reads = 0;
    let settled = false;
    void Promise.all(runs).then(() => (settled = true));
    while (!settled) {
      for (const name of ['history.json', 'theta.json']) {
        let text: string;
        try {
          text = readFileSync(join(out, name), 'utf8');
        } catch {
          continue; // not written yet
        }
        expect(() => JSON.parse(text), `${name}: ${text.slice(-40)}`).not.toThrow();
        reads++;
      }
      await new Promise((done) => setImmediate(done));
    }
    for (const r of await Promise.all(runs)) expect(r.code, r.stderr).toBe(0);
    console.log(`two runs into one folder: ${reads} reads, each file whole`);
    expect(reads).toBeGreaterThan(0);
  });

  it('Ctrl-C while Chrome starts ends the command at once, writing nothing', async () => {
    const out = tempDir();
    const r = await runCli('train', ['--runtime', 'chrome', '--engine', 'cpu', '--M', '1600', '--out', out], { interruptWhen: /^Starting headless Chrome/m, delayMs: 100 });
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/Stopped \(SIGINT\) before training began; nothing was written\./);
    expect(r.afterSignalMs!).toBeLessThan(500);
    expect(readdirSync(out)).toEqual([]);
  });
});
