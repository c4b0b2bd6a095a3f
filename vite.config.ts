/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { assemblyScript } from './build/assemblyscript.ts';
import { compileHints } from './build/compile-hints.ts';

// One config for the page (vite) and the tests (vitest): two projects, unit tests in Node and
// browser tests that drive headless Chromium on the page served by a vite dev server.
export default defineConfig({
  plugins: [assemblyScript(), compileHints()],
  base: './',
  build: { target: 'es2022' },
  // Cross-origin isolation gives the page SharedArrayBuffer, which the cpu-workers engine needs.
  server: { host: '127.0.0.1', headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } },
  preview: { headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } },
  worker: { format: 'es', plugins: () => [assemblyScript()] },
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node' },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts', 'test/cli/**/*.test.ts', 'test/page/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/browser/global-setup.ts'],
          // One Chromium on SwiftShader at a time: two cores are all there is.
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
