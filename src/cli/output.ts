/** Writes what a run leaves in --out: the records of src/experiment/records.ts and the plots. */
import { accessSync, constants, existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Experiment } from '../experiment/config';
import { historyCsv, historyJson, thetaJson } from '../experiment/records';
import type { TrainResult } from '../experiment/run';

/** The files a single run writes to --out. */
export const RUN_FILES = ['history.json', 'history.csv', 'theta.json', 'alpha.png', 'loss.png'] as const;
/** The files a sweep writes to --out. */
export const SWEEP_FILES = ['sweep.csv', 'sweep.json', 'heatmap.png'] as const;

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

/** A file of --out: its name and its contents (text ends in a newline when written). */
export type OutFile = [name: string, data: string | Uint8Array];

/** A file of --out that could not be written; the message names it and says why, in one line. */
export class WriteError extends Error {}
WriteError.prototype.name = 'WriteError';

/**
 * Writes `files` into `dir` whole or not at all: each to a temporary name beside it (flushed to
 * the disk), and only when every one is written are they renamed over the old ones (a rename in
 * one folder is atomic). A reader never sees a file cut short, a second run writing the same
 * folder at once leaves each file whole (one run's or the other's), and a write that fails (a full
 * disk, a quota, a folder in the way) removes the temporaries and leaves the previous run's files
 * as they were: WriteError naming the file and the reason. Returns the paths written.
 */
export function writeWhole(dir: string, files: readonly OutFile[]): string[] {
  const temps: string[] = [];
  const written = files.map(([name]) => join(dir, name));
  let at = 0;
  try {
    mkdirSync(dir, { recursive: true });
    for (; at < files.length; at++) {
      const [name, data] = files[at];
      const temp = join(dir, `.${name}.${process.pid}.tmp`);
      temps.push(temp);
      writeFileSync(temp, typeof data === 'string' && !data.endsWith('\n') ? `${data}\n` : data, { flush: true });
    }
    for (at = 0; at < files.length; at++) renameSync(temps[at], written[at]);
  } catch (e) {
    for (const temp of temps) rmSync(temp, { force: true });
    throw new WriteError(`cannot write ${written[Math.min(at, files.length - 1)] ?? dir}: ${(e as Error).message}`);
  }
  return written;
}

/** A PNG's bytes from the data URL a canvas gave. */
export function pngBytes(name: string, dataUrl: string): OutFile {
  const prefix = 'data:image/png;base64,';
  if (!dataUrl.startsWith(prefix)) throw new Error(`${name}: the browser returned no PNG`);
  return [name, Buffer.from(dataUrl.slice(prefix.length), 'base64')];
}

/** history.json, history.csv and theta.json of a run, to write with writeWhole. */
export function runFiles(exp: Experiment, result: Omit<TrainResult, 'theta'> & { theta: ArrayLike<number> }): OutFile[] {
  return [
    ['history.json', JSON.stringify(historyJson(exp, result), null, 2)],
    ['history.csv', historyCsv(result)],
    ['theta.json', JSON.stringify(thetaJson(result.theta, exp.config.activation), null, 2)],
  ];
}
