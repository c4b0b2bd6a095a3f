/**
 * The WGSL kernels and their compiled pipelines, cached per device by a key built from
 * everything that changes the code (kernel, workgroup size, theta length).
 */
import common from '../../shaders/common.wgsl?raw';
import forward from '../../shaders/forward.wgsl?raw';
import fusedEpoch from '../../shaders/fused_epoch.wgsl?raw';
import fusedModels from '../../shaders/fused_models.wgsl?raw';
import mseGrad from '../../shaders/mse_grad.wgsl?raw';
import sgdUpdate from '../../shaders/sgd_update.wgsl?raw';

/** Each kernel's own source, without the common prelude. */
export const KERNEL_SOURCES = {
  forward,
  mse_grad: mseGrad,
  sgd_update: sgdUpdate,
  fused_epoch: fusedEpoch,
  fused_models: fusedModels,
} as const;

/** The prelude every kernel starts with: theta's layout, sigmoid and the per-unit gradient. */
export const COMMON_SOURCE = common;

/** A kernel's name, as its file is named. */
export type KernelName = keyof typeof KERNEL_SOURCES;

/** The WGSL a pipeline is built from: common.wgsl then the kernel's file. */
export function kernelSource(name: KernelName): string {
  return `${COMMON_SOURCE}\n${KERNEL_SOURCES[name]}`;
}

const cache = new WeakMap<GPUDevice, Map<string, Promise<GPUComputePipeline>>>();

/**
 * The compute pipeline of `name` with these override constants, compiled once per device.
 * Compilation errors reject with the WGSL compiler's messages.
 */
export function getPipeline(device: GPUDevice, name: KernelName, constants: Record<string, number>): Promise<GPUComputePipeline> {
  let perDevice = cache.get(device);
  if (!perDevice) cache.set(device, (perDevice = new Map()));
  const key = `${name}?${Object.entries(constants)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join('&')}`;
  let pipeline = perDevice.get(key);
  if (!pipeline) {
    pipeline = compile(device, name, constants, key);
    perDevice.set(key, pipeline);
    pipeline.catch(() => perDevice.delete(key));
  }
  return pipeline;
}

async function compile(device: GPUDevice, name: KernelName, constants: Record<string, number>, key: string): Promise<GPUComputePipeline> {
  const module = device.createShaderModule({ label: name, code: kernelSource(name) });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length > 0) {
    throw new Error(`WGSL ${name}: ${errors.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ')}`);
  }
  return device.createComputePipelineAsync({
    label: key,
    layout: 'auto',
    compute: { module, entryPoint: 'main', constants },
  });
}
