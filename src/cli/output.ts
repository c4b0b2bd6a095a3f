/** Writes what a run leaves in --out: the records of src/experiment/records.ts and the plots. */
import { accessSync, constants, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Experiment } from '../experiment/config';
import { historyCsv, historyJson, thetaJson } from '../experiment/records';
import type { TrainResult } from '../experiment/run';

/** The files a single run writes to --out. */
export const RUN_FILES = ['history.json', 'history.csv', 'theta.json', 'alpha.png', 'loss.png', 'calibration.json'] as const;
/** The files a sweep writes to --out. */
export const SWEEP_FILES = ['sweep.csv', 'sweep.json', 'heatmap.png', 'calibration.json'] as const;

/**
 * Makes `dir` ready for `files` before any training, or says in one line why it cannot be: a file
 * where a folder must be, a folder that cannot be written (checked with a probe file, so nothing is
 * created under /proc or /sys, where Node's recursive mkdir never returns), or an output file that
 * is a folder or read-only. Creates the missing folders one by one. Returns the reason, or null.
 */
export function prepareOutDir(dir: string, files: readonly string[]): string | null {
  const target = resolve(dir);
  const missing: string[] = [];
  let existing = target;
  while (!existsSync(existing)) {
    const up = dirname(existing);
    if (up === existing) break;
    missing.unshift(basename(existing));
    existing = up;
  }
  try {
    if (!statSync(existing).isDirectory()) return `${existing} is a file, not a folder`;
    const probe = join(existing, `.webgpu-sgd-write-test-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
  } catch (e) {
    return `cannot write in ${existing} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
  try {
    let path = existing;
    for (const part of missing) {
      path = join(path, part);
      mkdirSync(path);
    }
  } catch (e) {
    return `cannot create ${target} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`;
  }
  for (const name of files) {
    const path = join(target, name);
    if (!existsSync(path)) continue;
    if (statSync(path).isDirectory()) return `${path} is a folder; the run writes a file of that name there`;
    try {
      accessSync(path, constants.W_OK);
    } catch {
      return `cannot overwrite ${path}`;
    }
  }
  return null;
}

/** Writes a PNG from a data URL and returns its path. */
export function writePng(dir: string, name: string, dataUrl: string): string {
  const prefix = 'data:image/png;base64,';
  if (!dataUrl.startsWith(prefix)) throw new Error(`${name}: the browser returned no PNG`);
  const path = join(dir, name);
  writeFileSync(path, Buffer.from(dataUrl.slice(prefix.length), 'base64'));
  return path;
}

/** Writes history.json, history.csv and theta.json to `dir`; returns the paths. */
export function writeRun(dir: string, exp: Experiment, result: Omit<TrainResult, 'theta'> & { theta: ArrayLike<number> }): string[] {
  mkdirSync(dir, { recursive: true });
  const files: [string, string][] = [
    ['history.json', JSON.stringify(historyJson(exp, result), null, 2)],
    ['history.csv', historyCsv(result)],
    ['theta.json', JSON.stringify(thetaJson(result.theta, exp.config.activation), null, 2)],
  ];
  return files.map(([name, text]) => {
    const path = join(dir, name);
    writeFileSync(path, text.endsWith('\n') ? text : `${text}\n`);
    return path;
  });
}
