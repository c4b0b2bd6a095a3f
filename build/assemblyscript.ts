/**
 * A vite plugin: `import wasm from '../../asm/sgd.ts?wasm'` compiles that AssemblyScript file
 * with asc (the AssemblyScript compiler, from the registry: -O3, SIMD on, the stub runtime, no
 * assertions) and gives the module's bytes as base64, so the engine instantiates it anywhere (a
 * page, a worker, Node, the package) without fetching a file. The page, the package, the runner
 * page and the tests all build through vite, so all get it the same way.
 *
 * The load hook has a filter, so the bundler calls into JavaScript only for `?wasm` ids (without
 * one it called the hook for every module, ~700 times a build, for most of the build's time), and
 * a compile is kept by a hash of its source in node_modules/.cache (and for the process, by file and
 * modification time): asc runs only when asm/sgd.ts (or asc) changed since it last ran.
 */
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

/** Compiled modules by file and modification time, shared by every build in this process (each config loads its own copy of this module). */
const compiled: Map<string, Promise<string>> = ((globalThis as { __webgpuSgdAsc?: Map<string, Promise<string>> }).__webgpuSgdAsc ??= new Map());

/** asc's options: -O3, SIMD, the stub runtime, no assertions. */
const OPTIONS = ['-O3', '--enable', 'simd', '--runtime', 'stub', '--noAssert'];

/** Where compiled modules are kept between builds, by a hash of the source, the options and asc's version (~4 s of asc saved a build). */
const CACHE_DIR = fileURLToPath(new URL('../node_modules/.cache/webgpu-sgd-asc/', import.meta.url));

/** The module's bytes as base64: from the disk cache if this source was compiled before, else compiled (and kept). */
async function compile(file: string): Promise<string> {
  const version = (JSON.parse(readFileSync(fileURLToPath(new URL('../node_modules/assemblyscript/package.json', import.meta.url)), 'utf8')) as { version: string }).version;
  const key = createHash('sha256')
    .update(JSON.stringify([readFileSync(file, 'utf8'), OPTIONS, version]))
    .digest('hex');
  const cached = join(CACHE_DIR, `${key}.wasm.b64`);
  if (existsSync(cached)) return readFileSync(cached, 'utf8');
  const base64 = await compileNow(file);
  mkdirSync(CACHE_DIR, { recursive: true });
  writeFileSync(cached, base64);
  return base64;
}

/** Compiles with asc; the module's bytes as base64. */
async function compileNow(file: string): Promise<string> {
  const asc = (await import('assemblyscript/asc')).default;
  let binary: Uint8Array | null = null;
  const messages: string[] = [];
  const sink = { write: (text: string | Uint8Array) => (messages.push(String(text)), true) };
  const { error } = await asc.main([file, '--outFile', 'module.wasm', ...OPTIONS], {
    writeFile: (name: string, contents: string | Uint8Array) => {
      if (name.endsWith('.wasm')) binary = contents as Uint8Array;
    },
    stdout: sink,
    stderr: sink,
  });
  if (error || !binary) throw new Error(`AssemblyScript could not compile ${file}: ${error?.message ?? 'no output'}\n${messages.join('')}`);
  return Buffer.from(binary).toString('base64');
}

export function assemblyScript(): Plugin {
  return {
    name: 'webgpu-sgd:assemblyscript',
    enforce: 'pre',
    load: {
      filter: { id: /\?wasm$/ },
      async handler(id) {
        const file = id.slice(0, -'?wasm'.length);
        const key = `${file}@${statSync(file).mtimeMs}`;
        if (!compiled.has(key)) compiled.set(key, compile(file));
        this.addWatchFile(file);
        return `export default ${JSON.stringify(await compiled.get(key)!)};\n`;
      },
    },
  };
}
