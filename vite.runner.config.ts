/**
 * The runner page the command line drives under `--runtime chrome` (src/cli/runner.html), built
 * into dist-lib/runner/ with the package (`npm run build:lib`) and served from there by the
 * command itself (src/cli/static-server.ts): no vite and no sources at run time.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { assemblyScript } from './build/assemblyscript.ts';

const at = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  plugins: [assemblyScript()],
  root: at('src/cli'),
  base: './',
  logLevel: 'warn',
  build: {
    outDir: at('dist-lib/runner'),
    emptyOutDir: true,
    target: 'es2022',
    // asc's compile (build/assemblyscript.ts), cached on disk, is the one slow callback.
    rollupOptions: { input: at('src/cli/runner.html'), checks: { bundlerTimings: false } },
    // TensorFlow.js (~770 kB), the benchmark's competitor, is a chunk of its own that only the
    // benchmark loads, from localhost: the split the size warning asks for is already made.
    chunkSizeWarningLimit: 800,
  },
  worker: { format: 'es', plugins: () => [assemblyScript()], rollupOptions: { checks: { bundlerTimings: false } } },
});
