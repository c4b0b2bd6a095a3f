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
  build: { outDir: at('dist-lib/runner'), emptyOutDir: true, target: 'es2022', rollupOptions: { input: at('src/cli/runner.html') } },
  worker: { format: 'es', plugins: () => [assemblyScript()] },
});
