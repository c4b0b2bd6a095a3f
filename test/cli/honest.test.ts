/** A software adapter is named as one wherever the command shows a GPU figure: the CPU pretending to be a GPU, and what a real GPU measured. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDirs } from './run';

const tempDir = tempDirs('webgpu-sgd-honest-');
const SOFTWARE = /swiftshader|llvmpipe|lavapipe|basic render/i;

describe('webgpu-sgd train on a software adapter', () => {
  it.each([
    ['a run', [], 'history.json', /^Training alpha with K = 10 .* engine gpu on .+ \(a software adapter: the CPU pretending to be a GPU\) \(Node v/],
    ['a sweep', ['--sweep', 'lr=0.004:0.008:2'], 'sweep.json', /^Sweep of 2 models .* engine gpu on .+ \(a software adapter: the CPU pretending to be a GPU\) \(Node v/],
  ])('%s: names it on its first line, says what it does and does not show, and keeps softwareAdapter in the JSON', async (_, args, file, firstLine) => {
    const out = tempDir();
    const r = await runCli('train', ['--M', '1600', ...args, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(readFileSync(join(out, file), 'utf8')) as { device: string; softwareAdapter: boolean };
    const software = SOFTWARE.test(json.device);
    expect(json.softwareAdapter).toBe(software);
    if (!software) {
      expect(r.stdout).not.toMatch(/software adapter/);
      return;
    }
    expect(r.stdout.split('\n')[0]).toMatch(firstLine);
    expect(r.stdout.split('\n')[1]).toMatch(
      /^Note: .+ is a software adapter: the CPU pretending to be a GPU .+not what a GPU buys over a CPU\. On a real GPU \(an NVIDIA H200, measured 2026-11-29\)/,
    );
  });

  it('says nothing of adapters for a CPU run', async () => {
    const out = tempDir();
    const r = await runCli('train', ['--M', '1600', '--engine', 'cpu', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/software adapter/);
    expect(JSON.parse(readFileSync(join(out, 'history.json'), 'utf8')).softwareAdapter).toBeUndefined();
  });
});
