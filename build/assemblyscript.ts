/**
 * A vite plugin: `import wasm from '../../asm/sgd.ts?wasm'` compiles that AssemblyScript file
 * with asc (the AssemblyScript compiler, from the registry: -O3, SIMD on, the stub runtime, no
 * assertions) and gives the module's bytes as base64, so the engine instantiates it anywhere (a
 * page, a worker, Node, the package) without fetching a file. The page, the package, the runner
 * page and the tests all build through vite, so all get it the same way.
 */
import { Buffer } from 'node:buffer';
import type { Plugin } from 'vite';

export function assemblyScript(): Plugin {
  return {
    name: 'webgpu-sgd:assemblyscript',
    enforce: 'pre',
    async load(id) {
      if (!id.endsWith('?wasm')) return null;
      const file = id.slice(0, -'?wasm'.length);
      const asc = (await import('assemblyscript/asc')).default;
      let binary: Uint8Array | null = null;
      const messages: string[] = [];
      const sink = { write: (text: string | Uint8Array) => (messages.push(String(text)), true) };
      const { error } = await asc.main([file, '--outFile', 'module.wasm', '-O3', '--enable', 'simd', '--runtime', 'stub', '--noAssert'], {
        writeFile: (name: string, contents: string | Uint8Array) => {
          if (name.endsWith('.wasm')) binary = contents as Uint8Array;
        },
        stdout: sink,
        stderr: sink,
      });
      if (error || !binary) throw new Error(`AssemblyScript could not compile ${file}: ${error?.message ?? 'no output'}\n${messages.join('')}`);
      this.addWatchFile(file);
      return `export default ${JSON.stringify(Buffer.from(binary).toString('base64'))};\n`;
    },
  };
}
