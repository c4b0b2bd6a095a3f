/**
 * The layers of src/, checked by `npm run lint` (dependency-cruiser): a change that crosses one
 * fails the lint with the rule's name and the import that broke it. From the bottom:
 *   ground   errors.ts and experiment/'s config, random, data, targets, types (run.ts), ...
 *   kernels  src/kernels/: the WGSL and the CPU twins it is held to
 *   engines  src/cpu/ and src/gpu/, which never import each other
 *   facade   train.ts, index.ts and experiment/'s sweeps, stepping and records
 *   plots    src/plots/, the charts the page and the command draw
 *   top      src/app/ (the page), src/cli/ (the command), src/bench/ (the benchmark's rows)
 * Type-only imports count too, but for cycles.
 */
const GROUND = '^src/(errors[.]ts|experiment/(config|random|libm-log|data|targets|grid|numbers|mathjs|problems|activation|pause|phases|run|engines|fields)[.]ts)$';
const ENGINES = '^src/(cpu|gpu)/';
const TOP = '^src/(app|cli|bench)/';

export default {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment:
        'A cycle ties modules into one that cannot be read or loaded apart. A loop through a type-only import is allowed: it is erased at compile time (errors.ts names the config fields a ConfigError is about).',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'ground-stays-down',
      severity: 'error',
      comment: 'The experiment itself (config, data, random, targets, the result types) imports nothing above it.',
      from: { path: GROUND },
      to: { path: '^src/', pathNot: GROUND },
    },
    {
      name: 'kernels-on-the-ground',
      severity: 'error',
      comment: 'A kernel and its CPU twin depend on the ground only, so both engines and the plots can use the twins.',
      from: { path: '^src/kernels/' },
      to: { path: '^src/', pathNot: [GROUND, '^src/kernels/'] },
    },
    {
      name: 'gpu-not-cpu',
      severity: 'error',
      comment: 'The GPU engine checks itself against the twins in src/kernels/, not the CPU engine.',
      from: { path: '^src/gpu/' },
      to: { path: '^src/cpu/' },
    },
    { name: 'cpu-not-gpu', severity: 'error', comment: 'The CPU engines know nothing of the GPU.', from: { path: '^src/cpu/' }, to: { path: '^src/gpu/' } },
    {
      name: 'engines-below-the-top',
      severity: 'error',
      comment: 'Engines, kernels and the ground never reach up to the page, the command or the plots.',
      from: { path: [GROUND, '^src/kernels/', ENGINES] },
      to: { path: [TOP, '^src/plots/', '^src/(train|index)[.]ts$'] },
    },
    {
      name: 'top-through-the-facade',
      severity: 'error',
      comment: 'The page, the command and the benchmark reach the engines through the facade (train.ts), not directly.',
      from: { path: TOP },
      to: { path: [ENGINES, '^src/kernels/'] },
    },
    {
      name: 'plots-draw-only',
      severity: 'error',
      comment: 'The plots draw results; they neither train nor know the page or the command.',
      from: { path: '^src/plots/' },
      to: { path: [ENGINES, TOP] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '[.](wgsl|c)([?]raw)?$|[?](raw|wasm)$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    combinedDependencies: false,
  },
};
