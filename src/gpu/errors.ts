/** The GPU engines' errors, in one place so callers test `instanceof` or `name`, never messages. */
import type { TrainResult } from '../experiment/run';

/** The run does not fit this device's limits; the message names the limit and what to change. */
export class GpuLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GpuLimitError';
  }
}

/** The device was lost during a run; `partial` keeps the epochs that completed. */
export class DeviceLostError extends Error {
  constructor(
    message: string,
    readonly partial: TrainResult,
  ) {
    super(message);
    this.name = 'DeviceLostError';
  }
}
