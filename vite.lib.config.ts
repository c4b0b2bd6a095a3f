/**
 * The package (`npm run build:lib`): the engine (`webgpu-sgd`) and the command line
 * (`webgpu-sgd/cli`, run by bin/webgpu-sgd.js) as ES modules in dist-lib/, the WGSL inlined as
 * strings and the Web Workers as chunks beside them, so nothing reads the repository at run time.
 * The page's own build is vite.config.ts; the types come from tsconfig.lib.json.
 */
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { assemblyScript } from './build/assemblyscript.ts';
import pkg from './package.json' with { type: 'json' };

// Dependencies stay imports (the user's install provides them); only our code is bundled.
const external = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {}), 'puppeteer-core', 'webgpu', ...builtinModules, /^node:/];

const at = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  plugins: [assemblyScript()],
  root: at('.'),
  build: {
    outDir: at('dist-lib'),
    emptyOutDir: true,
    target: 'es2022',
    minify: true,
    sourcemap: false,
    lib: { entry: { index: at('src/index.ts'), cli: at('src/cli/main.ts') }, formats: ['es'] },
    rollupOptions: {
      external: (id) => external.some((e) => (typeof e === 'string' ? id === e || id.startsWith(`${e}/`) : e.test(id))),
      // Its one slow callback is asc compiling asm/sgd.ts (~4 s), kept in node_modules/.cache by
      // the plugin (build/assemblyscript.ts), so it runs only when sgd.ts changes.
      checks: { bundlerTimings: false },
    },
  },
  define: { __WEBGPU_SGD_VERSION__: JSON.stringify(pkg.version) },
  worker: { format: 'es', plugins: () => [assemblyScript()], rollupOptions: { checks: { bundlerTimings: false } } },
});
