/**
 * WebGPU's flag values (fixed by the spec), so the kernels' host needs no GPUBufferUsage,
 * GPUMapMode or GPUShaderStage globals: in Node a `navigator.gpu`-like object (Dawn's) is all the
 * package is given.
 */
export const BUFFER = { MAP_READ: 0x0001, MAP_WRITE: 0x0002, COPY_SRC: 0x0004, COPY_DST: 0x0008, UNIFORM: 0x0040, STORAGE: 0x0080, QUERY_RESOLVE: 0x0200 } as const;
export const MAP_MODE = { READ: 0x0001, WRITE: 0x0002 } as const;
export const SHADER_STAGE = { COMPUTE: 0x0004 } as const;
