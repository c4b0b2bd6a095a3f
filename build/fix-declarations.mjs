#!/usr/bin/env node
/**
 * Makes the package's declarations (dist-lib/types, written by `tsc -p tsconfig.lib.json`) valid for
 * a TypeScript user under `moduleResolution` NodeNext as well as bundler: every relative import gets
 * the extension Node's ES modules need ('./train' -> './train.js', a folder -> './x/index.js'; tsc
 * writes the specifiers as the sources have them), and the entry declares the WebGPU types it uses
 * (`/// <reference types="@webgpu/types" />`, a dependency of the package), so a consumer compiles
 * with skipLibCheck off (with the DOM's lib, which the WebGPU types need). `npm run build:lib` runs
 * it after tsc.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = fileURLToPath(new URL('../dist-lib/types/', import.meta.url));
const WEBGPU = '/// <reference types="@webgpu/types" />\n';

/** Every .d.ts under `dir`. */
function declarations(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? declarations(path) : path.endsWith('.d.ts') ? [path] : [];
  });
}

/** `spec` (relative, from `file`) with the extension Node resolves: a module's `.js`, or a folder's `/index.js`. */
function withExtension(file, spec) {
  if (/\.(js|json)$/.test(spec)) return spec;
  const base = resolve(dirname(file), spec);
  return !existsSync(`${base}.d.ts`) && existsSync(join(base, 'index.d.ts')) ? `${spec}/index.js` : `${spec}.js`;
}

for (const file of declarations(TYPES)) {
  const text = readFileSync(file, 'utf8');
  let out = text.replace(/((?:from|import)\s*\(?\s*['"])(\.{1,2}\/[^'"]+)(['"])/g, (_, before, spec, after) => before + withExtension(file, spec) + after);
  if (['index.d.ts', join('cli', 'main.d.ts')].some((entry) => file === join(TYPES, entry)) && !out.startsWith(WEBGPU)) out = WEBGPU + out;
  if (out !== text) writeFileSync(file, out);
}
