/**
 * WebGPU in Node through Dawn (the `webgpu` npm package), for `npm run bench -- --runtime node`
 * on a server with a GPU and no browser. Without a GPU it runs on SwiftShader, the software
 * Vulkan that Debian's Chromium ships (docs/design.md section 3).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { RESTARTED } from './restart';

/** Debian Chromium's SwiftShader Vulkan driver and the Vulkan loader beside it. */
const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const CHROMIUM_LIB = '/usr/lib/chromium';

function systemHasVulkanLoader(): boolean {
  const ldconfig = spawnSync('ldconfig', ['-p'], { encoding: 'utf8' });
  return ldconfig.status === 0 && ldconfig.stdout.includes('libvulkan.so.1');
}

function hasGpuDevice(): boolean {
  return ['/dev/nvidia0', '/dev/dri/renderD128', '/dev/kfd'].some((p) => existsSync(p));
}

/**
 * The environment Dawn needs here, or null if the current one will do: the Vulkan loader from
 * Chromium's folder when the system has none (the dynamic loader reads LD_LIBRARY_PATH only at
 * start, so the process must be started again with it), and SwiftShader as the only driver when
 * the machine has no GPU.
 */
export function dawnEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv | null {
  const next = { ...env };
  let changed = false;
  const libPath = env.LD_LIBRARY_PATH ?? '';
  if (!systemHasVulkanLoader() && existsSync(`${CHROMIUM_LIB}/libvulkan.so.1`) && !libPath.split(':').includes(CHROMIUM_LIB)) {
    next.LD_LIBRARY_PATH = libPath ? `${CHROMIUM_LIB}:${libPath}` : CHROMIUM_LIB;
    changed = true;
  }
  if (!env.VK_ICD_FILENAMES && !hasGpuDevice() && existsSync(SWIFTSHADER_ICD)) {
    next.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    changed = true;
  }
  return changed ? next : null;
}

/**
 * Readies this process for Dawn: sets VK_ICD_FILENAMES in place when that is all it lacks, and
 * returns the environment to start again with when the Vulkan loader must come from
 * LD_LIBRARY_PATH (read only at process start); null when this process will do as it is.
 */
export function prepareDawn(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv | null {
  const next = dawnEnvironment(env);
  if (!next) return null;
  if (next.LD_LIBRARY_PATH !== env.LD_LIBRARY_PATH && !env[RESTARTED]) return { ...next, [RESTARTED]: '1' };
  if (next.VK_ICD_FILENAMES) env.VK_ICD_FILENAMES = next.VK_ICD_FILENAMES;
  return null;
}
