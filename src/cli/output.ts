/** Writes what a run leaves in --out: the records of src/experiment/records.ts and the plots. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Experiment } from '../experiment/config';
import { historyCsv, historyJson, thetaJson } from '../experiment/records';
import type { TrainResult } from '../experiment/run';

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
    ['theta.json', JSON.stringify(thetaJson(result.theta), null, 2)],
  ];
  return files.map(([name, text]) => {
    const path = join(dir, name);
    writeFileSync(path, text.endsWith('\n') ? text : `${text}\n`);
    return path;
  });
}
