/** The CPU twins' TypeScript as text, for showing beside the WGSL (the page's kernels view, `shaderSources`). */
import common from './common.ts?raw';
import perop from './perop/twin.ts?raw';
import fused from './fused/twin.ts?raw';

export const TWIN_SOURCES = { common, perop, fused };
