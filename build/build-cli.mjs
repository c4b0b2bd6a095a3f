#!/usr/bin/env node
/**
 * Builds the command and the engine (dist-lib/: the package's ES modules and the runner page)
 * when a source is newer than the last build, and only then: `npm run train` and `npm run bench`
 * run this first, so a second run starts at once. `--force` builds whatever the dates say.
 *
 * The last build's start time is kept as the modification time of dist-lib/.built; a file under
 * src/, asm/ or build/, a vite config, package.json or package-lock.json changed after it
 * (or a missing dist-lib/cli.js) means a build. Both builds run at once in this one process,
 * quietly: a line before and after, and the bundler's warnings, of which a normal build has none.
 */
import { existsSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STAMP = join(ROOT, 'dist-lib', '.built');
const INPUTS = ['src', 'asm', 'build', 'vite.lib.config.ts', 'vite.runner.config.ts', 'package.json', 'package-lock.json'];

/** The latest modification time under `path` (a file, or a folder walked whole), in ms. */
function newest(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((latest, name) => Math.max(latest, newest(join(path, name))), stat.mtimeMs);
}

/** Why the command must be built, or null if dist-lib/ is as new as every source. */
export function staleReason() {
  if (!existsSync(join(ROOT, 'dist-lib', 'cli.js')) || !existsSync(STAMP)) return 'not built yet';
  const built = statSync(STAMP).mtimeMs;
  const changed = INPUTS.find((input) => newest(join(ROOT, input)) > built);
  return changed ? `${changed} changed since the last build` : null;
}

/** Builds dist-lib/ (the package's modules, then the runner page) and stamps it with the build's start. */
export async function buildCli() {
  const started = new Date();
  const { build } = await import('vite');
  // Both at once (they share asc's compile, build/assemblyscript.ts), into a folder emptied first.
  rmSync(join(ROOT, 'dist-lib'), { recursive: true, force: true });
  await Promise.all(['vite.lib.config.ts', 'vite.runner.config.ts'].map((config) => build({ configFile: join(ROOT, config), logLevel: 'warn', build: { emptyOutDir: false } })));
  writeFileSync(STAMP, '');
  utimesSync(STAMP, started, started);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const reason = process.argv.includes('--force') ? 'asked to (--force)' : staleReason();
  if (reason) {
    const t = performance.now();
    process.stderr.write(`Building the command into dist-lib/ (${reason})...\n`);
    await buildCli();
    process.stderr.write(`Built in ${((performance.now() - t) / 1000).toFixed(1)} s.\n`);
  }
}
