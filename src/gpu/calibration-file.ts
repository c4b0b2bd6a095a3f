/**
 * The kernel choices (calibrate.ts) kept between runs in Node, per user: in
 * `$WEBGPU_SGD_CACHE_DIR`, else `$XDG_CACHE_HOME/webgpu-sgd`, else `~/.cache/webgpu-sgd`, in
 * calibrations.json (keyed by adapter, driver and shape, so one file serves every adapter). The
 * command's `train` and `bench`, its Chrome runner (through the page's localStorage) and the
 * package in Node all read and add to it, so a shape is calibrated once per machine, not once per
 * output folder. Node's modules are imported by a name the bundler leaves alone: this module is
 * part of the package a browser page may bundle, where it is never called.
 */

/** Where calibrations are kept, as JSON strings by key (memory, a page's localStorage, this file). */
export interface CalibrationStore {
  get(key: string): string | null;
  set(key: string, value: string): void;
}

/** The file's name in the cache folder. */
export const CALIBRATION_FILE = 'calibrations.json';

/** The keys of kernel calibrations (calibrationKey), here and in a page's localStorage. */
export const CALIBRATION_PREFIX = 'webgpu-sgd kernel';

type Fs = typeof import('node:fs');

/** Node's fs, path and os modules, by names a bundler does not follow. */
async function node(): Promise<{ fs: Fs; path: typeof import('node:path'); os: typeof import('node:os') }> {
  const load = (name: string) => import(/* @vite-ignore */ name);
  const [fs, path, os] = await Promise.all([load('node:fs'), load('node:path'), load('node:os')]);
  return { fs, path, os };
}

/** Whether this is Node (or a runtime with its modules), where the cache file can be used. */
export function inNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/** The cache folder (see the module's comment), from `env`. */
export function cacheDir(env: Record<string, string | undefined>, home: string, join: (...parts: string[]) => string): string {
  if (env.WEBGPU_SGD_CACHE_DIR) return env.WEBGPU_SGD_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(home, '.cache'), 'webgpu-sgd');
}

/** The kept calibrations, as JSON strings by key (none if the file is missing or damaged). */
function read(fs: Fs, file: string): Record<string, string> {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    if (!parsed || typeof parsed !== 'object') return {};
    return Object.fromEntries(
      Object.entries(parsed)
        .filter(([k]) => k.startsWith(CALIBRATION_PREFIX))
        .map(([k, v]) => [k, JSON.stringify(v)]),
    );
  } catch {
    return {};
  }
}

/** The cache file, as a store and as a whole (for the Chrome runner's localStorage). */
export interface CalibrationFile extends CalibrationStore {
  path: string;
  /** Every kept calibration, as JSON strings by key. */
  all(): Record<string, string>;
  /** Adds `entries` and writes the file (whole: a temporary beside it, renamed). A cache that cannot be written only warns. */
  add(entries: Record<string, string>): void;
}

/** The user's calibration cache file in Node (see the module's comment). */
export async function calibrationFile(env: Record<string, string | undefined> = process.env): Promise<CalibrationFile> {
  const { fs, path, os } = await node();
  const dir = cacheDir(env, os.homedir(), path.join);
  const file = path.join(dir, CALIBRATION_FILE);
  const entries = read(fs, file);
  const add = (more: Record<string, string>) => {
    // What another process added meanwhile is kept.
    Object.assign(entries, read(fs, file), more);
    const readable = Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, JSON.parse(v) as unknown]));
    const temp = `${file}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(temp, `${JSON.stringify(readable, null, 2)}\n`);
      fs.renameSync(temp, file);
    } catch (e) {
      fs.rmSync(temp, { force: true });
      process.stderr.write(`warning: the kernel choice is not kept for later runs: cannot write ${file}: ${(e as Error).message}\n`);
    }
  };
  return {
    path: file,
    get: (k) => entries[k] ?? null,
    set: (k, v) => add({ [k]: v }),
    all: () => ({ ...entries }),
    add,
  };
}
