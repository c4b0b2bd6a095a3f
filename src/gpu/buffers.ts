/** Small helpers for GPU buffers: create with data, and read back. */
import { BUFFER, MAP_MODE } from './flags';

/** A labelled buffer holding `data` (padded to 4 bytes), with the given usage. */
export function bufferWith(device: GPUDevice, label: string, data: ArrayBufferView, usage: GPUBufferUsageFlags): GPUBuffer {
  const size = Math.max(4, Math.ceil(data.byteLength / 4) * 4);
  const buffer = device.createBuffer({ label, size, usage, mappedAtCreation: true });
  new Uint8Array(buffer.getMappedRange()).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  buffer.unmap();
  return buffer;
}

/** Copies `size` bytes of `source` to a fresh MAP_READ buffer and returns them (a copy: the mapped view dies on unmap). */
export async function readBuffer(device: GPUDevice, source: GPUBuffer, size = source.size, offset = 0): Promise<ArrayBuffer> {
  const staging = device.createBuffer({ label: `read ${source.label}`, size, usage: BUFFER.MAP_READ | BUFFER.COPY_DST });
  const encoder = device.createCommandEncoder({ label: `read ${source.label}` });
  encoder.copyBufferToBuffer(source, offset, staging, 0, size);
  device.queue.submit([encoder.finish()]);
  try {
    await staging.mapAsync(MAP_MODE.READ);
    return staging.getMappedRange().slice(0);
  } finally {
    staging.destroy();
  }
}

/** Buffers made for one run, destroyed together when it ends. */
export interface RunBuffers {
  /** A labelled buffer holding `data`, STORAGE unless told otherwise. */
  make(label: string, data: ArrayBufferView, usage?: GPUBufferUsageFlags): GPUBuffer;
  /** A zeroed buffer of at least `bytes` (4 at the least): WebGPU zeroes new buffers, so nothing is copied. */
  empty(label: string, bytes: number, usage?: GPUBufferUsageFlags): GPUBuffer;

  destroyAll(): void;
}

/** A set of buffers that go together: make them, then destroy them all at once. */
export function runBuffers(device: GPUDevice): RunBuffers {
  const owned: GPUBuffer[] = [];
  const make = (label: string, data: ArrayBufferView, usage: GPUBufferUsageFlags = BUFFER.STORAGE) => {
    const b = bufferWith(device, label, data, usage);
    owned.push(b);
    return b;
  };
  const empty = (label: string, bytes: number, usage: GPUBufferUsageFlags = BUFFER.STORAGE) => {
    const b = device.createBuffer({ label, size: Math.max(4, Math.ceil(bytes / 4) * 4), usage });
    owned.push(b);
    return b;
  };
  return {
    make,
    empty,
    destroyAll: () => owned.forEach((b) => b.destroy()),
  };
}

/**
 * Writes points as (x, y) float32 pairs into `buffer` (COPY_DST, 8 bytes a point), 2^18 pairs at a
 * time with `pause` between: at 10^7 points one piece would hold a page's thread for a long task.
 */
export async function writePairs(device: GPUDevice, buffer: GPUBuffer, xs: ArrayLike<number>, ys: ArrayLike<number>, pause: () => Promise<void>): Promise<void> {
  const SLICE = 2 ** 18;
  const chunk = new Float32Array(2 * Math.min(SLICE, xs.length));
  for (let from = 0; from < xs.length; from += SLICE) {
    const n = Math.min(SLICE, xs.length - from);
    for (let i = 0; i < n; i++) {
      chunk[2 * i] = xs[from + i];
      chunk[2 * i + 1] = ys[from + i];
    }
    device.queue.writeBuffer(buffer, 8 * from, chunk, 0, 2 * n);
    await pause();
  }
}

/** Writes `values` as float32 into `buffer` (COPY_DST), 2^18 at a time with `pause` between. */
export async function writeFloats(device: GPUDevice, buffer: GPUBuffer, values: ArrayLike<number>, pause: () => Promise<void>): Promise<void> {
  const SLICE = 2 ** 18;
  const chunk = new Float32Array(Math.min(SLICE, values.length));
  for (let from = 0; from < values.length; from += SLICE) {
    const n = Math.min(SLICE, values.length - from);
    for (let i = 0; i < n; i++) chunk[i] = values[from + i];
    device.queue.writeBuffer(buffer, 4 * from, chunk, 0, n);
    await pause();
  }
}
