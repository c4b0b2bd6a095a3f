/**
 * The functions the network learns: the lecture's |x - 1/2|^2, a few presets, or a formula the
 * user types, parsed by mathjs (never eval) and limited to arithmetic on x.
 *
 * mathjs loads only when a formula is to be read (`loadFormulaParser`): evaluating it sets up its
 * typed functions, ~150 ms in one piece in a browser, which the page's start-up should not pay
 * for the built-in targets. `train`, `createStepper`, the CLI and the page await it for 'custom'.
 */
import type { MathNode } from 'mathjs/number';
import { FormulaError } from '../errors';

let parse: ((text: string) => MathNode) | null = null;
let loading: Promise<void> | null = null;

/** Loads mathjs's parser (once); compileFormula needs it. */
export function loadFormulaParser(): Promise<void> {
  loading ??= import('./mathjs').then((m) => {
    parse = m.parse;
  });
  return loading;
}

/** Whether the formula parser has loaded. */
export function formulaParserLoaded(): boolean {
  return parse !== null;
}

/** Loads what a config's target needs before it is checked (the parser, for a custom formula). */
export async function loadTarget(config: { target?: unknown }): Promise<void> {
  if (config.target === 'custom') await loadFormulaParser();
}

/** A target function f: R -> R with its formula in the syntax the formula box takes. */
export interface Target {
  name: string;
  formula: string;
  f: (x: number) => number;
}

/** The built-in targets; `lecture` is the lecture's |x - 1/2|^2. */
export const TARGETS = {
  lecture: { name: 'lecture', formula: 'abs(x - 1/2)^2', f: (x: number) => Math.abs(x - 0.5) ** 2 },
  sin: { name: 'sin', formula: 'sin(x)', f: (x: number) => Math.sin(x) },
  abs: { name: 'abs', formula: 'abs(x)', f: (x: number) => Math.abs(x) },
  step: { name: 'step', formula: 'x < 0 ? 0 : 1', f: (x: number) => (x < 0 ? 0 : 1) },
  runge: { name: 'runge', formula: '1 / (1 + x^2)', f: (x: number) => 1 / (1 + x * x) },
} as const satisfies Record<string, Target>;

/** A built-in target's name, or 'custom' for a typed formula. */
export type TargetName = keyof typeof TARGETS | 'custom';

/** Whether a string names a target (a built-in one or 'custom'). */
export function isTargetName(name: string): name is TargetName {
  return name === 'custom' || Object.prototype.hasOwnProperty.call(TARGETS, name);
}

/** The longest formula accepted. */
export const MAX_FORMULA_LENGTH = 200;

/** Functions a formula may call: those of one real variable (and min, max, pow, mod). */
export const FORMULA_FUNCTIONS = [
  'sin',
  'cos',
  'tan',
  'asin',
  'acos',
  'atan',
  'sinh',
  'cosh',
  'tanh',
  'exp',
  'log',
  'log10',
  'log2',
  'sqrt',
  'cbrt',
  'abs',
  'sign',
  'floor',
  'ceil',
  'round',
  'min',
  'max',
  'pow',
  'mod',
];
const FUNCTIONS = new Set(FORMULA_FUNCTIONS);
const SYMBOLS = new Set(['x', 'pi', 'e']);
const OPERATORS = new Set(['+', '-', '*', '/', '^', '<', '>', '<=', '>=', '==', '!=']);

/** Checks every node: numbers, x, pi, e, arithmetic, comparisons, ?: and the allowed functions. */
function checkNode(node: MathNode): void {
  switch (node.type) {
    case 'ConstantNode':
      if (typeof (node as unknown as { value: unknown }).value !== 'number') throw new FormulaError('only numbers may appear as constants');
      return;
    case 'SymbolNode': {
      const name = (node as unknown as { name: string }).name;
      if (!SYMBOLS.has(name)) throw new FormulaError(`unknown name "${name}": use x, pi or e`);
      return;
    }
    case 'OperatorNode': {
      const op = (node as unknown as { op: string }).op;
      if (!OPERATORS.has(op)) throw new FormulaError(`the operator "${op}" is not allowed`);
      break;
    }
    case 'FunctionNode': {
      const fn = (node as unknown as { fn: MathNode }).fn;
      const name = fn.type === 'SymbolNode' ? (fn as unknown as { name: string }).name : '';
      if (!FUNCTIONS.has(name)) throw new FormulaError(`unknown function "${name || fn.toString()}"; allowed: ${FORMULA_FUNCTIONS.join(', ')}`);
      const args = (node as unknown as { args: MathNode[] }).args;
      checkArity(name, args.length);
      args.forEach(checkNode);
      return;
    }
    case 'ParenthesisNode':
    case 'ConditionalNode':
      break;
    default:
      throw new FormulaError(`"${node.toString()}" is not allowed in a formula of x`);
  }
  node.forEach((child) => checkNode(child));
}

/**
 * Refuses a call with a number of arguments none of the function's own signatures takes (mathjs's
 * typed functions list them: `sin` takes "number", `round` "number" or "number,number", `max`
 * "...any"), instead of a TypeError from mathjs when the formula is first evaluated.
 */
function checkArity(name: string, count: number): void {
  const fn = parse!(name).compile().evaluate() as { signatures?: Record<string, unknown> };
  const shapes = Object.keys(fn.signatures ?? {}).map((s) => (s.trim() === '' ? [] : s.split(',').map((p) => p.trim())));
  const rest = (params: string[]) => params.at(-1)?.startsWith('...') === true;
  if (shapes.some((params) => (rest(params) ? count >= params.length : count === params.length))) return;
  const counts = [...new Set(shapes.map((params) => (rest(params) ? `${params.length} or more` : String(params.length))))];
  throw new FormulaError(`${name}() takes ${counts.join(' or ')} argument${counts.join() === '1' ? '' : 's'}, not ${count}`);
}

/** Parses and checks a formula of x; throws FormulaError with a reason a student can act on. */
export function compileFormula(text: string): (x: number) => number {
  if (typeof text !== 'string' || text.trim() === '') throw new FormulaError('the formula is empty');
  if (text.length > MAX_FORMULA_LENGTH) throw new FormulaError(`the formula is longer than ${MAX_FORMULA_LENGTH} characters`);
  if (!parse) throw new FormulaError('the formula parser has not loaded yet (await loadFormulaParser() first; train() and createStepper() do)');
  let node: MathNode;
  try {
    node = parse(text);
  } catch (e) {
    throw new FormulaError(`cannot read the formula: ${(e as Error).message}`);
  }
  checkNode(node);
  const code = node.compile();
  // Whatever mathjs throws while evaluating (round(x, 100): "Number of decimals ... must be in
  // range of 0-15") is a FormulaError naming x, never a TypeError of its own.
  return (x: number) => {
    let y: unknown;
    try {
      y = code.evaluate({ x });
    } catch (e) {
      throw new FormulaError(`f(${x}) cannot be evaluated: ${(e as Error).message}`, x);
    }
    return typeof y === 'boolean' ? Number(y) : typeof y === 'number' ? y : NaN;
  };
}

/**
 * The largest |f(x)| a run can use: the GPU squares residuals in float32, whose largest finite
 * value is about 3.4e38, so f(x)^2 must stay below it on every engine alike.
 */
export const MAX_TARGET_MAGNITUDE = Math.sqrt(3.4028234663852886e38);

/** Why y = f(x) cannot be trained on (not a number, infinite, or too large to square), or null if it can. */
export function targetValueProblem(x: number, y: number): string | null {
  if (!Number.isFinite(y)) return `f(${x}) = ${y} is not a finite number`;
  if (Math.abs(y) > MAX_TARGET_MAGNITUDE) return `f(${x}) = ${y.toPrecision(4)}: its square overflows float32 (|f| must stay below ${MAX_TARGET_MAGNITUDE.toPrecision(3)})`;
  return null;
}

/** The function of a target: a built-in one's, or the compiled custom formula. */
export function targetFunction(target: TargetName, formula?: string): (x: number) => number {
  return target === 'custom' ? compileFormula(formula ?? '') : TARGETS[target].f;
}

/** The formula of a target as the formula box shows it. */
export function targetFormula(target: TargetName, formula?: string): string {
  return target === 'custom' ? (formula ?? '') : TARGETS[target].formula;
}
