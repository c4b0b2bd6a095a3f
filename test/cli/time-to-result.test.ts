/**
 * Time to result (issue 25), the parts a test can hold without timing: the command is built once
 * and not again while nothing changed, a run's set-up phases are said as they go and kept by phase
 * in history.json, and a kernel choice is found in the user's cache by a run into a new folder.
 * The times themselves are measured by `npm run bench:ttr` (scripts/time-to-result.mjs).
 */
import { spawn } from 'node:child_process';
import { readFileSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/cli/session';
import { runCli, tempDirs } from './run';

const tempDir = tempDirs('webgpu-sgd-ttr-');

/** Runs `npm run -s <args>` in the repository; resolves to its exit code and output. */
function npmRun(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '-s', ...args], { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const built = () => statSync(join(PROJECT_ROOT, 'dist-lib', 'cli.js')).mtimeMs;

describe('npm run train builds the command only when a source changed', () => {
  it('runs twice without building (dist-lib untouched), and builds once after a source changes', async () => {
    const before = built();
    for (let i = 0; i < 2; i++) {
      const r = await npmRun(['train', '--', '--engine', 'cpu', '--M', '1600', '--out', tempDir()]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(/Building the command/);
      expect(r.stdout).toMatch(/^Done: 2\/2 epochs/m);
    }
    expect(built()).toBe(before);
    // A source newer than the build: the next run builds first, saying why, and quietly.
    const source = join(PROJECT_ROOT, 'build', 'build-cli.d.mts');
    const now = new Date();
    utimesSync(source, now, now);
    const r = await npmRun(['train', '--', '--engine', 'cpu', '--M', '1600', '--out', tempDir()]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^Building the command into dist-lib\/ \(build changed since the last build\)\.\.\.\nBuilt in [\d.]+ s\.\n$/);
    expect(built()).toBeGreaterThan(before);
  });
});

describe("a run's set-up, said and kept by phase", () => {
  it('a first 160-model GPU sweep calibrates for over half a second: its phase line comes before Epoch 1, the time is kept under timings.phases.kernel', async () => {
    const out = tempDir();
    const r = await runCli('train', ['--sweep', 'lr=0.001:0.1:log8,K=2:32:x2', '--seeds', '4', '--M', '1600', '--out', out], { env: { WEBGPU_SGD_CACHE_DIR: tempDir() } });
    expect(r.code, r.stderr).toBe(0);
    const { timings } = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8'));
    console.log(`160-model sweep, first calibration: ${timings.phases.kernel.toFixed(0)} ms`);
    expect(timings.phases.kernel).toBeGreaterThan(500);
    const line = r.stdout.indexOf('Setting up: choosing the fastest kernel for this shape');
    expect(line, r.stdout).toBeGreaterThan(0);
    expect(line).toBeLessThan(r.stdout.indexOf('Epoch 1/2'));
    expect(Object.keys(timings.phases)).toEqual(['kernel', 'data', 'thetas', 'compiling', 'uploading']);
    expect(Object.values(timings.phases).reduce((a: number, b) => a + (b as number), 0)).toBeLessThanOrEqual(timings.setupMs + 1);
  });

  it("a first GPU run keeps its kernel choice in the cache folder under the adapter's name; a run into a new folder finds it there", async () => {
    const env = { WEBGPU_SGD_CACHE_DIR: tempDir() };
    const outs = [tempDir(), tempDir()];
    const first = await runCli('train', ['--M', '1600', '--out', outs[0]], { env });
    expect(first.code, first.stderr).toBe(0);
    const timings = (dir: string) => JSON.parse(readFileSync(join(dir, 'history.json'), 'utf8')).timings;
    const t1 = timings(outs[0]);
    expect(t1.phases.kernel).toBeGreaterThan(100);
    // The choice is kept in the cache folder, under the adapter's name, as the run named it.
    const kept = Object.entries(JSON.parse(readFileSync(join(env.WEBGPU_SGD_CACHE_DIR, 'calibrations.json'), 'utf8')) as Record<string, { choice: { variant: string } }>);
    expect(kept).toHaveLength(1);
    expect(kept[0][0]).toMatch(/^webgpu-sgd kernel \| .+ \| P 1 \| K 16 \| batch 1$/);
    const kernel = JSON.parse(readFileSync(join(outs[0], 'history.json'), 'utf8')).kernel as string;
    expect(kernel.startsWith(kept[0][1].choice.variant)).toBe(true);
    const second = await runCli('train', ['--M', '1600', '--out', outs[1]], { env });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).not.toMatch(/choosing the fastest kernel/);
    const t2 = timings(outs[1]);
    console.log(`kernel choice: ${t1.phases.kernel.toFixed(0)} ms calibrated, ${t2.phases.kernel.toFixed(1)} ms from the cache`);
    expect(t2.phases.kernel).toBeLessThan(50);
    expect(second.stdout).toMatch(/\(kernel: [^)]+\); set-up [\d.]+ s/);
  });
});
