/** The hidden units' activation: the lecture's sigmoid, or tanh or relu, by Keras's names. */

/** The hidden units' activation functions, in Keras's names; the index is the kernels' ACTIVATION code. */
export const ACTIVATIONS = ['sigmoid', 'tanh', 'relu'] as const;

/** One of ACTIVATIONS. */
export type Activation = (typeof ACTIVATIONS)[number];

/** The kernels' code of an activation (common.wgsl's ACTIVATION): 0 sigmoid, 1 tanh, 2 relu. */
export function activationCode(activation: Activation): number {
  const code = ACTIVATIONS.indexOf(activation);
  if (code < 0) throw new Error(`Unknown activation ${String(activation)}`);
  return code;
}
