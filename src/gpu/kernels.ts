/**
 * The WGSL kernels and their compiled pipelines, cached per device by a key built from
 * everything that changes the code (kernel, override constants, templated sizes).
 */
import { isSoftwareAdapter } from './device';
import common from '../kernels/common.wgsl?raw';
import forward from '../kernels/perop/forward.wgsl?raw';
import fusedCommon from '../kernels/fused/fused_common.wgsl?raw';
import mseGrad from '../kernels/perop/mse_grad.wgsl?raw';
import sgdInvocation from '../kernels/fused/sgd_invocation.wgsl?raw';
import sgdSubgroup from '../kernels/fused/sgd_subgroup.wgsl?raw';
import sgdTiled from '../kernels/fused/sgd_tiled.wgsl?raw';
import sgdUpdate from '../kernels/perop/sgd_update.wgsl?raw';
import serialSteps from '../kernels/fused/serial_steps.wgsl?raw';
import thetaRegisters from '../kernels/fused/theta_registers.wgsl?raw';
import { SHADER_STAGE } from './flags';

/** Each kernel's own source, without the preludes. */
export const KERNEL_SOURCES = {
  forward,
  mse_grad: mseGrad,
  sgd_update: sgdUpdate,
  sgd_invocation: sgdInvocation,
  sgd_subgroup: sgdSubgroup,
  sgd_tiled: sgdTiled,
} as const;

/** The prelude every kernel starts with: theta's layout, the stable sigmoid, the per-unit gradient. */
export const COMMON_SOURCE = common;

/** The fused family's interface (structs, bindings, the record), after COMMON_SOURCE in its kernels. */
export const FUSED_COMMON_SOURCE = fusedCommon;

/** A whole theta in one invocation's registers, after FUSED_COMMON_SOURCE in sgd_invocation and sgd_tiled. */
export const THETA_REGISTERS_SOURCE = thetaRegisters;

/** The steps of the variants that take a batch's points one after another (sgd_invocation, sgd_subgroup). */
export const SERIAL_STEPS_SOURCE = serialSteps;

/** A kernel's name, as its file is named. */
export type KernelName = keyof typeof KERNEL_SOURCES;

const FUSED: ReadonlySet<KernelName> = new Set(['sgd_invocation', 'sgd_subgroup', 'sgd_tiled']);

/** What is prepended to each kernel, in order. */
function preludes(name: KernelName): string[] {
  if (name === 'sgd_invocation') return [COMMON_SOURCE, FUSED_COMMON_SOURCE, THETA_REGISTERS_SOURCE, SERIAL_STEPS_SOURCE];
  if (name === 'sgd_subgroup') return [COMMON_SOURCE, FUSED_COMMON_SOURCE, SERIAL_STEPS_SOURCE];
  if (name === 'sgd_tiled') return [COMMON_SOURCE, FUSED_COMMON_SOURCE, THETA_REGISTERS_SOURCE];
  return [COMMON_SOURCE];
}

/**
 * Writes sizes into `const NAME: u32 = ...u; // templated` lines: WGSL wants the lengths of
 * arrays in private and function memory fixed in the source, not as override constants.
 */
export function applyTemplate(source: string, templates: Record<string, number>): string {
  let out = source;
  for (const [name, value] of Object.entries(templates)) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`Template ${name} must be a positive integer, got ${value}`);
    const line = new RegExp(`const ${name}: u32 = \\d+u; // templated`);
    if (!line.test(out)) throw new Error(`No templated constant ${name} in the kernel`);
    out = out.replace(line, `const ${name}: u32 = ${value}u; // templated`);
  }
  return out;
}

/** Loops over at most this many units are unrolled (on a hardware adapter). */
export const UNROLL_LIMIT = 64;

/**
 * The unroll limit on a software adapter (SwiftShader, llvmpipe, WARP: the CPU compiling for itself,
 * in the run's own time): unrolled code compiles in superlinear time there (the invocation kernel at
 * K = 32: 3.6 s unrolled, 0.3 s as a loop, measured on the 2-core CI machine) for a kernel at most
 * ~3x faster, while a sweep's epochs take a fraction of a second.
 */
export const SOFTWARE_UNROLL_LIMIT = 16;

/** The unroll limit of a device's kernels: lower on a software adapter (see SOFTWARE_UNROLL_LIMIT). */
export function unrollLimit(device: GPUDevice): number {
  const info = (device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  return info && isSoftwareAdapter(info) ? SOFTWARE_UNROLL_LIMIT : UNROLL_LIMIT;
}

/**
 * Unrolls each loop marked `// unroll` whose bound is a templated constant of at most `limit`:
 *   // unroll
 *   for (var k = 0u; k < SLOTS; k++) { body }
 * becomes `{ body with k = 0u } { body with k = 1u } ...`. With constant indices a compiler keeps
 * theta's arrays in registers; indexed in a loop they live in memory (measured on SwiftShader: the
 * invocation kernel 2.5 to 3 times faster unrolled). Past the limit the loop stays as written.
 */
export function unrollLoops(source: string, templates: Record<string, number>, limit = UNROLL_LIMIT): string {
  const marker = /^([ \t]*)\/\/ unroll\n[ \t]*for \(var (\w+) = 0u; \2 < (\w+); \2\+\+\) \{\n/m;
  let out = source;
  for (let match = marker.exec(out); match; match = marker.exec(out)) {
    const [head, indent, variable, bound] = match;
    const bodyStart = match.index + head.length;
    let depth = 1;
    let i = bodyStart;
    for (; i < out.length && depth > 0; i++) {
      if (out[i] === '{') depth++;
      else if (out[i] === '}') depth--;
    }
    const body = out.slice(bodyStart, i - 1).replace(/\s+$/, '');
    const end = out.indexOf('\n', i) + 1 || out.length;
    const count = templates[bound];
    let replacement: string;
    if (count !== undefined && count <= limit) {
      const name = new RegExp(`\\b${variable}\\b`, 'g');
      replacement = Array.from({ length: count }, (_, n) => `${indent}{\n${body.replace(name, `${n}u`)}\n${indent}}\n`).join('');
    } else {
      replacement = out.slice(match.index + indent.length + '// unroll\n'.length, end).replace(/^[ \t]*/, indent);
    }
    out = out.slice(0, match.index) + replacement + out.slice(end);
  }
  return out;
}

/** The WGSL a pipeline is built from: the preludes, then the kernel's file with its sizes written in (loops unrolled up to `unroll`). */
export function kernelSource(name: KernelName, templates: Record<string, number> = {}, unroll = UNROLL_LIMIT): string {
  // `enable` directives must come first in a module.
  const own = KERNEL_SOURCES[name];
  const enables = own.match(/^enable [^;]+;$/gm) ?? [];
  const module = [...preludes(name), own.replace(/^enable [^;]+;$/gm, '')].join('\n');
  return [...enables, unrollLoops(applyTemplate(module, templates), templates, unroll)].join('\n');
}

const cache = new WeakMap<GPUDevice, Map<string, Promise<GPUComputePipeline>>>();
const fusedLayouts = new WeakMap<GPUDevice, GPUBindGroupLayout>();

/**
 * The bind group layout of the fused family (fused_common.wgsl), written out because binding 1,
 * the span, takes a dynamic offset: one bind group serves every dispatch of a submission.
 */
export function fusedBindGroupLayout(device: GPUDevice): GPUBindGroupLayout {
  let layout = fusedLayouts.get(device);
  if (!layout) {
    const COMPUTE = SHADER_STAGE.COMPUTE;
    const read = { type: 'read-only-storage' } as const;
    layout = device.createBindGroupLayout({
      label: 'fused family',
      entries: [
        { binding: 0, visibility: COMPUTE, buffer: { type: 'uniform' } }, // run
        { binding: 1, visibility: COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true } }, // span
        { binding: 2, visibility: COMPUTE, buffer: read }, // models
        { binding: 3, visibility: COMPUTE, buffer: { type: 'storage' } }, // records
        { binding: 4, visibility: COMPUTE, buffer: read }, // visits
        { binding: 5, visibility: COMPUTE, buffer: read }, // val
        { binding: 6, visibility: COMPUTE, buffer: read }, // plot
      ],
    });
    fusedLayouts.set(device, layout);
  }
  return layout;
}

/**
 * The compute pipeline of `name` with these override constants and templated sizes, compiled
 * once per device. Compilation errors reject with the WGSL compiler's messages.
 */
export function getPipeline(device: GPUDevice, name: KernelName, constants: Record<string, number>, templates: Record<string, number> = {}): Promise<GPUComputePipeline> {
  let perDevice = cache.get(device);
  if (!perDevice) cache.set(device, (perDevice = new Map()));
  const list = (o: Record<string, number>) =>
    Object.entries(o)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
  const unroll = unrollLimit(device);
  const key = `${name}?${list(constants)}#${list(templates)}&unroll<=${unroll}`;
  let pipeline = perDevice.get(key);
  if (!pipeline) {
    pipeline = compile(device, name, constants, templates, unroll, key);
    perDevice.set(key, pipeline);
    pipeline.catch(() => perDevice.delete(key));
  }
  return pipeline;
}

async function compile(
  device: GPUDevice,
  name: KernelName,
  constants: Record<string, number>,
  templates: Record<string, number>,
  unroll: number,
  key: string,
): Promise<GPUComputePipeline> {
  const module = device.createShaderModule({ label: name, code: kernelSource(name, templates, unroll) });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length > 0) {
    throw new Error(`WGSL ${name}: ${errors.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('; ')}`);
  }
  return device.createComputePipelineAsync({
    label: key,
    layout: FUSED.has(name) ? device.createPipelineLayout({ label: 'fused family', bindGroupLayouts: [fusedBindGroupLayout(device)] }) : 'auto',
    compute: { module, entryPoint: 'main', constants },
  });
}
