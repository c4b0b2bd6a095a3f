/** The functions the network learns to approximate, by name. */

/** A target function f: R -> R with a label a reader recognises. */
export interface Target {
  name: string;
  formula: string;
  f: (x: number) => number;
}

/** The built-in targets; `lecture` is the lecture's |x - 1/2|^2. */
export const TARGETS = {
  lecture: { name: 'lecture', formula: '|x - 1/2|^2', f: (x: number) => Math.abs(x - 0.5) ** 2 },
  sin: { name: 'sin', formula: 'sin(x)', f: (x: number) => Math.sin(x) },
  abs: { name: 'abs', formula: '|x|', f: (x: number) => Math.abs(x) },
  step: { name: 'step', formula: '0 if x < 0, else 1', f: (x: number) => (x < 0 ? 0 : 1) },
  runge: { name: 'runge', formula: '1 / (1 + x^2)', f: (x: number) => 1 / (1 + x * x) },
} as const satisfies Record<string, Target>;

/** The name of a built-in target. */
export type TargetName = keyof typeof TARGETS;

/** Whether a string names a built-in target. */
export function isTargetName(name: string): name is TargetName {
  return Object.prototype.hasOwnProperty.call(TARGETS, name);
}
