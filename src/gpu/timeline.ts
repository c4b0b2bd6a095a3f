/**
 * What the GPU ran, for the page's timeline: compute passes timed on the GPU's clock
 * (timestamp-query: a timestamp at the start and the end of each pass), or submissions timed on
 * the host's where the adapter has no such clock.
 */
import type { Timeline, TimelineBar } from '../experiment/run';
import { readBuffer } from './buffers';
import { BUFFER } from './flags';

/** Bars a timeline keeps at most: the last ones of the run. */
export const TIMELINE_BARS = 12;

/** A bar before it is placed on the axis: what ran, and its two clock readings (ns on the GPU, ms on the host). */
export interface RawBar extends Omit<TimelineBar, 'startMs' | 'endMs'> {
  start: number;
  end: number;
}

/** Bars on one axis in ms from the first start; `nsPerUnit` 1e6 for GPU nanoseconds, 1 for host milliseconds. */
export function placeBars(raw: RawBar[], clock: Timeline['clock']): Timeline {
  const msPerUnit = clock === 'gpu timestamps' ? 1e-6 : 1;
  const t0 = Math.min(...raw.map((b) => b.start));
  return {
    clock,
    bars: raw.map(({ start, end, ...rest }) => ({ ...rest, startMs: (start - t0) * msPerUnit, endMs: (end - t0) * msPerUnit })),
  };
}

/** The begin and end timestamps of passes 0 .. passes-1 of a query set, in ns from the earliest begin; null where the GPU gave nothing usable (zeros, or an end before its start). */
export async function readPassTimes(device: GPUDevice, querySet: GPUQuerySet, passes: number): Promise<[number, number][] | null> {
  if (passes === 0) return null;
  const bytes = 16 * passes;
  const resolved = device.createBuffer({ label: 'timestamps', size: bytes, usage: BUFFER.QUERY_RESOLVE | BUFFER.COPY_SRC });
  try {
    const encoder = device.createCommandEncoder({ label: 'timestamps' });
    encoder.resolveQuerySet(querySet, 0, 2 * passes, resolved, 0);
    device.queue.submit([encoder.finish()]);
    const ns = new BigInt64Array(await readBuffer(device, resolved, bytes));
    let first = ns[0];
    for (let i = 0; i < passes; i++) if (ns[2 * i] < first) first = ns[2 * i];
    const out: [number, number][] = [];
    for (let i = 0; i < passes; i++) {
      const [a, b] = [ns[2 * i], ns[2 * i + 1]];
      if ((a === 0n && b === 0n) || b < a) return null;
      // Relative to the first before converting: a clock of ~10^18 ns would lose its last bits as a double.
      out.push([Number(a - first), Number(b - first)]);
    }
    return out;
  } finally {
    resolved.destroy();
  }
}

/**
 * Submissions on the host's clock, for a timeline without GPU timestamps: each from its submit to
 * the report of its last epoch. Only the newest are kept (a run may have 10^6 submissions).
 */
export class SubmissionClock {
  private readonly bars = new Map<number, RawBar>();

  /** A submission whose last epoch is `lastEpoch` went to the GPU at `start` (now by default). */
  submitted(lastEpoch: number, bar: Omit<RawBar, 'start' | 'end'>, start = performance.now()): void {
    this.bars.set(lastEpoch, { ...bar, start, end: NaN });
    // In flight are at most a ring's worth (64); older ones have their end.
    if (this.bars.size > TIMELINE_BARS + 64) this.bars.delete(this.bars.keys().next().value!);
  }

  /** Epoch `epoch`'s results are in hand: the submission it ends, if any, ends now. */
  reported(epoch: number): void {
    const bar = this.bars.get(epoch);
    if (bar) bar.end = performance.now();
  }

  /** The submission that ended with `lastEpoch`, if it is still kept. */
  get(lastEpoch: number): RawBar | undefined {
    return this.bars.get(lastEpoch);
  }

  /** The last TIMELINE_BARS submissions that ended, as a timeline on the host's clock; null if none did. */
  timeline(): Timeline | null {
    const done = [...this.bars.values()].filter((b) => Number.isFinite(b.end)).slice(-TIMELINE_BARS);
    return done.length > 0 ? placeBars(done, 'wall time') : null;
  }
}
