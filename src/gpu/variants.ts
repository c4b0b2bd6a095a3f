/**
 * The fused family's variants an adapter can run for a given shape, each with the reason where
 * it cannot; the choice between them is measured (calibrate.ts), never assumed.
 */
import type { Gpu } from './device';
import { MAX_UNITS_PER_INVOCATION, type KernelChoice } from './fused';

/** A variant for a shape, or why the adapter cannot run it. */
export interface Candidate {
  choice: KernelChoice;
  /** Why it cannot run here; absent when it can. */
  skipped?: string;
}

/** Workgroup sizes tried for the tiled variant (invocations sharing one model's batch). */
export const TILES = [16, 64, 256];

/** Workgroup sizes tried for the invocation variant on a sweep (one model an invocation). */
export const INVOCATION_WORKGROUPS = [4, 16, 64];

/** Every variant for P models of up to maxK hidden units, runnable or not. */
export function candidates(gpu: Pick<Gpu, 'subgroupMinSize' | 'device'>, P: number, maxK: number, batchSize = 1): Candidate[] {
  const out: Candidate[] = [];
  const lanes = gpu.subgroupMinSize;
  const subgroup: KernelChoice = { variant: 'subgroup', workgroupSize: lanes ?? 0 };
  if (lanes === null) out.push({ choice: subgroup, skipped: 'the adapter has no subgroups feature' });
  else if (Math.ceil(maxK / lanes) > MAX_UNITS_PER_INVOCATION) out.push({ choice: subgroup, skipped: `K = ${maxK} needs over ${MAX_UNITS_PER_INVOCATION} units a lane` });
  else out.push({ choice: subgroup });
  // Big batches: a workgroup shares each model's batch, one barrier a step.
  for (const tile of TILES.filter((t) => t <= gpu.device.limits.maxComputeInvocationsPerWorkgroup)) {
    const choice: KernelChoice = { variant: 'tiled', workgroupSize: tile };
    if (lanes === null) out.push({ choice, skipped: 'the adapter has no subgroups feature' });
    else if (maxK > MAX_UNITS_PER_INVOCATION) out.push({ choice, skipped: `K = ${maxK} is over ${MAX_UNITS_PER_INVOCATION} units an invocation` });
    else if (batchSize < 2 * tile) out.push({ choice, skipped: `a batch of ${batchSize} keeps under half of ${tile} invocations busy` });
    else out.push({ choice });
  }
  const sizes = P === 1 ? [1] : INVOCATION_WORKGROUPS.filter((wg) => wg <= gpu.device.limits.maxComputeInvocationsPerWorkgroup);
  for (const wg of sizes) {
    const choice: KernelChoice = { variant: 'invocation', workgroupSize: wg };
    if (maxK > MAX_UNITS_PER_INVOCATION) out.push({ choice, skipped: `K = ${maxK} is over ${MAX_UNITS_PER_INVOCATION} units an invocation` });
    else if (P > 1 && wg > 4 * P) out.push({ choice, skipped: `${P} models fill under a quarter of a workgroup of ${wg}` });
    else out.push({ choice });
  }
  return out;
}
