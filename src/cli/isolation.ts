/** Headers that make a page cross-origin isolated, so the cpu-workers engine gets SharedArrayBuffer. */
export const CROSS_ORIGIN_ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};
