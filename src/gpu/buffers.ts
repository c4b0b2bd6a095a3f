/** Small helpers for GPU buffers: create with data, and read back. */

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
  const staging = device.createBuffer({ label: `read ${source.label}`, size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = device.createCommandEncoder({ label: `read ${source.label}` });
  encoder.copyBufferToBuffer(source, offset, staging, 0, size);
  device.queue.submit([encoder.finish()]);
  try {
    await staging.mapAsync(GPUMapMode.READ);
    return staging.getMappedRange().slice(0);
  } finally {
    staging.destroy();
  }
}

/** Buffers made for one run, destroyed together when it ends. */
export interface RunBuffers {
  /** A labelled buffer holding `data`, STORAGE unless told otherwise. */
  make(label: string, data: ArrayBufferView, usage?: GPUBufferUsageFlags): GPUBuffer;
  /** A zeroed buffer of at least `bytes` (4 at the least). */
  empty(label: string, bytes: number, usage?: GPUBufferUsageFlags): GPUBuffer;
  destroyAll(): void;
}

/** A set of buffers that go together: make them, then destroy them all at once. */
export function runBuffers(device: GPUDevice): RunBuffers {
  const owned: GPUBuffer[] = [];
  const make = (label: string, data: ArrayBufferView, usage: GPUBufferUsageFlags = GPUBufferUsage.STORAGE) => {
    const b = bufferWith(device, label, data, usage);
    owned.push(b);
    return b;
  };
  return {
    make,
    empty: (label, bytes, usage) => make(label, new Uint8Array(Math.max(4, bytes)), usage),
    destroyAll: () => owned.forEach((b) => b.destroy()),
  };
}
