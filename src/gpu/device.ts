/**
 * The one place that gets a WebGPU adapter and device. Every GPU path calls getGpu(); a lost
 * device is forgotten so the next call asks for a fresh one.
 */
import { WebGpuUnavailableError } from '../errors';

/** A device with a line that names the adapter behind it. */
export interface Gpu {
  device: GPUDevice;
  adapter: GPUAdapter;
  /** The smallest subgroup the adapter runs, or null without the `subgroups` feature. */
  subgroupMinSize: number | null;
  /** e.g. "google swiftshader (Subzero...)" or "nvidia hopper". */
  description: string;
  /** A software adapter: the CPU pretending to be a GPU (isSoftwareAdapter). */
  software: boolean;
}

const CPU_STILL_WORKS = 'The CPU engine still works.';

let current: Promise<Gpu> | null = null;
let currentDevice: GPUDevice | null = null;
const lostListeners = new Set<(info: GPUDeviceLostInfo) => void>();

/** Calls `listener` when the current device is lost (not when it is destroyed on purpose). */
export function onDeviceLost(listener: (info: GPUDeviceLostInfo) => void): () => void {
  lostListeners.add(listener);
  return () => lostListeners.delete(listener);
}

/** Whether an adapter is software, the CPU pretending to be a GPU: the fallback adapter, or SwiftShader, llvmpipe or WARP by name. */
export function isSoftwareAdapter(info: Partial<Pick<GPUAdapterInfo, 'vendor' | 'architecture' | 'device' | 'description'>> & { isFallbackAdapter?: boolean }): boolean {
  if (info.isFallbackAdapter) return true;
  const name = [info.vendor, info.architecture, info.device, info.description].join(' ').toLowerCase();
  return /swiftshader|llvmpipe|lavapipe|\bwarp\b|microsoft basic render/.test(name);
}

/** A one-line name of the adapter, from its GPUAdapterInfo. */
export function describeAdapter(adapter: GPUAdapter): string {
  const info = adapter.info;
  const parts = [info?.vendor, info?.architecture, info?.device, info?.description].filter((s) => s && s.length > 0);
  const text = parts.join(' ').trim();
  return text.length > 0 ? text : 'unnamed WebGPU adapter';
}

let given: GPU | null = null;

/**
 * Trains on this `navigator.gpu`-like object from now on (in Node: Dawn's `create([])` from the
 * `webgpu` package, or any other implementation); the device in use, if any, is let go.
 */
export function useGpu(gpu: GPU): void {
  given = gpu;
  current = null;
  currentDevice = null;
}

const isNode = () => typeof process !== 'undefined' && typeof process.versions?.node === 'string';

let dawnInstance: GPU | null = null;

/** In Node without a given GPU: Dawn, if the `webgpu` package is installed (null if it is not). */
async function dawnGpu(): Promise<GPU | null> {
  const name = 'webgpu';
  try {
    const dawn = (await import(/* @vite-ignore */ name)) as { create(flags: string[]): GPU };
    // Kept for the life of the process: Dawn stops answering once its GPU object is collected.
    dawnInstance ??= dawn.create([]);
    return dawnInstance;
  } catch (e) {
    if ((e as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') return null;
    throw new WebGpuUnavailableError(`Dawn (the \`webgpu\` package) did not start: ${(e as Error).message}. ${CPU_STILL_WORKS}`);
  }
}

async function acquire(options: GPURequestAdapterOptions): Promise<Gpu> {
  const gpu: GPU | null | undefined = given ?? (globalThis as { navigator?: Navigator }).navigator?.gpu ?? (isNode() ? await dawnGpu() : null);
  if (!gpu && isNode()) {
    throw new WebGpuUnavailableError(
      'No WebGPU in this Node process: install Dawn for Node (npm i webgpu), which the package then finds, ' +
        `or give it a navigator.gpu-like object with useGpu(gpu). ${CPU_STILL_WORKS}`,
    );
  }
  if (!gpu) {
    throw new WebGpuUnavailableError(
      'This browser has no WebGPU (navigator.gpu is missing). Use a current Chrome or Edge ' +
        '(113 or later), or Safari or Firefox with WebGPU on, and open the page over https or ' +
        `from localhost. ${CPU_STILL_WORKS}`,
    );
  }
  // A software adapter (SwiftShader) is slow but right: better than none where there is no GPU.
  const adapter = (await gpu.requestAdapter(options)) ?? (await gpu.requestAdapter({ ...options, forceFallbackAdapter: true }));
  if (!adapter && isNode()) {
    throw new WebGpuUnavailableError(
      'WebGPU in Node (Dawn) gave no adapter: it needs the Vulkan loader (libvulkan.so.1: apt-get install libvulkan1, or ' +
        "LD_LIBRARY_PATH=/usr/lib/chromium with Debian's chromium) and a Vulkan driver; without a GPU, point VK_ICD_FILENAMES at " +
        'SwiftShader (/usr/lib/chromium/vk_swiftshader_icd.json); the command line sets both itself. On an NVIDIA GPU the ' +
        'Vulkan driver is libGLX_nvidia.so.0, which needs libglvnd (apt-get install libvulkan1 libglvnd0 libglx0 libegl1), and the ' +
        `loader must find its nvidia_icd.json (VK_ICD_FILENAMES=/path/to/nvidia_icd.json where the driver put it elsewhere). ${CPU_STILL_WORKS}`,
    );
  }
  if (!adapter) {
    throw new WebGpuUnavailableError(
      'WebGPU is present but no adapter was given: the GPU may be blocklisted or disabled. ' +
        'Try chrome://gpu to see why, update the graphics driver, or start Chrome with ' +
        `--enable-unsafe-webgpu. ${CPU_STILL_WORKS}`,
    );
  }
  // Ask for the adapter's own maxima of what large runs need; defaults are far lower.
  const l = adapter.limits;
  // Subgroups let a model's lanes sum alpha without a barrier (sgd_subgroup.wgsl); timestamps
  // time kernels on the GPU's own clock. Both are asked for only where the adapter has them.
  const requiredFeatures = (['subgroups', 'timestamp-query'] as GPUFeatureName[]).filter((f) => adapter.features.has(f));
  const device = await adapter.requestDevice({
    label: 'webgpu-sgd',
    requiredFeatures,
    requiredLimits: {
      maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
      maxBufferSize: l.maxBufferSize,
      maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: l.maxComputeWorkgroupSizeX,
      maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
    },
  });
  const info = adapter.info as GPUAdapterInfo & { subgroupMinSize?: number };
  const subgroupMinSize = device.features.has('subgroups') && info.subgroupMinSize ? info.subgroupMinSize : null;
  // GPUAdapterInfo's fields are getters (a spread copies none); isFallbackAdapter moved from the adapter to its info.
  const fallback = (info as { isFallbackAdapter?: boolean }).isFallbackAdapter ?? (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter;
  const software = isSoftwareAdapter({ vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description, isFallbackAdapter: fallback });
  const result: Gpu = { device, adapter, subgroupMinSize, description: describeAdapter(adapter), software };
  void device.lost.then((info) => {
    if (current && currentDevice === device) current = null;
    if (info.reason !== 'destroyed') for (const listener of lostListeners) listener(info);
  });
  currentDevice = device;
  return result;
}

/**
 * The shared device, acquired on first use. Throws WebGpuUnavailableError (with what to try)
 * where there is no WebGPU or no adapter.
 */
export function getGpu(options: GPURequestAdapterOptions = {}): Promise<Gpu> {
  if (!current) {
    current = acquire(options);
    current.catch(() => {
      current = null;
    });
  }
  return current;
}

/** Destroys the shared device (tests use it to simulate a lost device); the next getGpu() makes a new one. */
export async function releaseGpu(): Promise<void> {
  const pending = current;
  current = null;
  currentDevice = null;
  if (pending) (await pending.catch(() => null))?.device.destroy();
}
