// The linter (npm run lint): ESLint's and typescript-eslint's recommended rules over the TypeScript.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'dist-lib/', 'test-results/', 'out/', 'asm/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Unused names fail the typecheck already (noUnusedLocals); an _ prefix marks one kept on purpose.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The command's launcher and the build and benchmark scripts are plain JavaScript run by Node.
    files: ['bin/**/*.js', 'build/**/*.mjs', 'scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', URL: 'readonly', performance: 'readonly', console: 'readonly', setTimeout: 'readonly' } },
  },
  {
    // What the time-to-result script runs in the page (page.evaluate).
    files: ['scripts/**/*.mjs'],
    languageOptions: { globals: { window: 'readonly', document: 'readonly', MutationObserver: 'readonly' } },
  },
);
