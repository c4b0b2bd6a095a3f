/** The runtimes the command line offers (runtimes.ts has them), and what `auto` picks: light to import, for --help. */
import type { EngineName } from '../experiment/run';
import { ENGINE_TABLE, onGpu } from '../experiment/engines';

export const RUNTIMES = ['auto', 'node', 'chrome'] as const;
export type RuntimeName = Exclude<(typeof RUNTIMES)[number], 'auto'>;

/** Whether Dawn for Node (the `webgpu` package) can be imported from here. */
export function hasDawn(): boolean {
  try {
    import.meta.resolve('webgpu');
    return true;
  } catch {
    return false;
  }
}

/** The runtime `auto` picks: Node (no browser to start) wherever it can run the engine. */
export function pickRuntime(engine: EngineName, dawn = hasDawn()): RuntimeName {
  if (ENGINE_TABLE[engine].browserOnly) return 'chrome';
  if (onGpu(engine)) return dawn ? 'node' : 'chrome';
  return 'node';
}
