/**
 * The one GPU epoch runner, used by every GPU host (fused single runs, sweeps, per-op).
 *
 * The host submits epochs without waiting for the GPU, several in one submission where they are
 * short: each epoch's commands end by copying its results into a staging buffer of a ring, and
 * the runner maps the staging buffers in order (mapAsync) and hands each epoch's bytes to
 * `report`. With a ring as deep as the run every epoch is queued up front; a shallower ring
 * bounds the work a Stop cannot take back.
 * Validation errors are caught per epoch (error scopes), and a lost device ends the run with the
 * epochs reported so far.
 */

import { StoppedError } from '../errors';
import { BUFFER, MAP_MODE } from './flags';

/** What a host tells the runner. */
export interface EpochPlan {
  device: GPUDevice;
  label: string;
  epochs: number;
  /** Epochs encoded in one submission (the last may hold fewer). */
  epochsPerSubmit: number;
  /** Epochs in flight at most (raised to two submissions' worth). */
  ringSize: number;
  /** Bytes of one epoch's results (a multiple of 4). */
  stagingBytes: number;
  /**
   * Encodes and submits `count` epochs from `first` (1-based) in one submission, epoch
   * first + i's results copied into `staging` at i * stagingBytes; returns the dispatches.
   */
  submit(first: number, count: number, staging: GPUBuffer): number | Promise<number>;
  /** Takes one epoch's results (a copy), in order; a throw ends the run with that error. */
  report(epoch: number, bytes: ArrayBuffer): void | Promise<void>;
  signal?: AbortSignal;
}

/** How a run of epochs ended. */
export interface EpochOutcome {
  /** Dispatches submitted (including epochs submitted but never reported). */
  dispatches: number;
  /** Epochs whose report returned. */
  reported: number;
  /** The first error (a report's throw, a validation error, a failed map), or null. */
  failure: unknown;
  /** Why the device was lost, if it was. */
  lost: GPUDeviceLostInfo | null;
  /** A Stop inside a long epoch: how many of its steps ran (the epoch itself is not reported). */
  partial: { epoch: number; stepsDone: number } | null;
}

/** Thrown by a plan's submit when the Stop signal came inside a long epoch, after `stepsDone` of its steps. */
export class StopInsideEpoch {
  constructor(
    readonly epoch: number,
    readonly stepsDone: number,
    readonly dispatches: number,
  ) {}
}

/** Runs the plan's epochs through the staging ring; never throws for what happens inside a run. */
export async function runEpochs(plan: EpochPlan): Promise<EpochOutcome> {
  const { device } = plan;
  let lost: GPUDeviceLostInfo | null = null;
  void device.lost.then((info) => (lost = info));
  // One staging buffer a submission, mapped once for all its epochs: each mapAsync is a round
  // trip to the GPU process, dearer than a short epoch.
  const perSubmit = Math.max(1, Math.min(plan.epochsPerSubmit, plan.epochs));
  const submissions = Math.ceil(plan.epochs / perSubmit);
  const ringSize = Math.min(Math.max(2, Math.ceil(plan.ringSize / perSubmit)), submissions);
  const ring = Array.from({ length: ringSize }, (_, i) =>
    device.createBuffer({ label: `${plan.label} staging ${i}`, size: Math.max(4, perSubmit * plan.stagingBytes), usage: BUFFER.MAP_READ | BUFFER.COPY_DST }),
  );
  let dispatches = 0;
  let partial: EpochOutcome['partial'] = null;
  let reported = 0;
  let failure: unknown = null;
  let stopped = false;
  let chain: Promise<void> = Promise.resolve();
  const slotFree: Promise<void>[] = ring.map(() => Promise.resolve());
  try {
    for (let n = 0; n < submissions; n++) {
      const first = 1 + n * perSubmit;
      const count = Math.min(perSubmit, plan.epochs - first + 1);
      const slot = n % ringSize;
      await slotFree[slot];
      if (stopped || lost || plan.signal?.aborted) break;
      const staging = ring[slot];
      device.pushErrorScope('validation');
      try {
        dispatches += await plan.submit(first, count, staging);
      } catch (e) {
        await device.popErrorScope();
        // A Stop while the submission's visiting orders were being made: nothing of it ran.
        if (e instanceof StoppedError) break;
        if (!(e instanceof StopInsideEpoch)) throw e;
        dispatches += e.dispatches;
        partial = { epoch: e.epoch, stepsDone: e.stepsDone };
        break;
      }
      const scope = device.popErrorScope();
      const mapped = staging.mapAsync(MAP_MODE.READ, 0, count * plan.stagingBytes);
      mapped.catch(() => undefined);
      chain = chain
        .then(async () => {
          const error = await scope;
          if (error) throw new Error(`WebGPU validation error in epochs ${first}-${first + count - 1}: ${error.message}`);
          await mapped;
          const bytes = staging.getMappedRange(0, count * plan.stagingBytes).slice(0);
          staging.unmap();
          for (let i = 0; i < count; i++) {
            if (stopped || plan.signal?.aborted) {
              stopped = true;
              return;
            }
            await plan.report(first + i, bytes.slice(i * plan.stagingBytes, (i + 1) * plan.stagingBytes));
            reported = first + i;
          }
        })
        .catch((e: unknown) => {
          failure ??= e;
          stopped = true;
        });
      slotFree[slot] = chain;
    }
    await chain;
  } finally {
    ring.forEach((b) => b.destroy());
  }
  // A lost device shows first as failed maps; give its lost promise a moment to say why.
  if (failure && !lost) await Promise.race([device.lost, new Promise((r) => setTimeout(r, 100))]);
  return { dispatches, reported, failure, lost, partial };
}

/** The message of a DeviceLostError: what was lost, when, and what to do. */
export function deviceLostMessage(info: GPUDeviceLostInfo, epochsKept: number): string {
  return (
    `The GPU device was lost after epoch ${epochsKept} (${info.reason}: ${info.message || 'no message'}). ` +
    'The history so far is kept; train again to get a new device, or use the CPU engine.'
  );
}
