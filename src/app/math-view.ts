/**
 * "The math beside the code": the lecture's formulas (typeset by KaTeX), each linked to the WGSL
 * lines that compute it. A kernel line ending in `// [math KEY]` belongs to formula KEY; clicking a
 * formula highlights its lines in every kernel (and opens those kernels), clicking such a line
 * highlights its formula. KaTeX and its stylesheet load on demand, after the page is up.
 */
import type { Labels } from '../plots/i18n';
import { $ } from './dom';

/** The formulas, in the order of one SGD step. */
export const MATH_KEYS = ['unit', 'alpha', 'loss', 'gradient', 'update'] as const;
export type MathKey = (typeof MATH_KEYS)[number];

/** Each formula in TeX, "or" in the page's language (the code's names: v_k is the lecture's w~_{1,k}, w_k its w_{1,k}, dt its gamma). */
export function formulas(or: string): Record<MathKey, string> {
  return {
    unit: String.raw`\begin{aligned} h_k(x) &= \sigma(w_k x + b_k) \\ \sigma(z) &= \frac{1}{1 + e^{-z}} \quad (\text{${or} } \tanh z,\ \max(z, 0)) \end{aligned}`,
    alpha: String.raw`\alpha_\theta(x) = \sum_{k=1}^{K} v_k\, h_k(x)`,
    loss: String.raw`L(\theta) = \frac{1}{N_{batch}} \sum_{i=1}^{N_{batch}} r_i^2, \qquad r_i = \alpha_\theta(x_i) - f_i`,
    gradient: String.raw`\begin{aligned} \frac{\partial L}{\partial v_k} &= \frac{2}{N_{batch}} \sum_i r_i\, h_k(x_i) \\ \frac{\partial L}{\partial b_k} &= \frac{2}{N_{batch}} \sum_i r_i\, v_k\, \sigma'(z_{k,i}) \\ \frac{\partial L}{\partial w_k} &= \frac{2}{N_{batch}} \sum_i r_i\, v_k\, \sigma'(z_{k,i})\, x_i \end{aligned}`,
    update: String.raw`\theta_{j+1} = \theta_j - dt\, \nabla_\theta L(\theta_j)`,
  };
}

/** The formula keys a WGSL line is tagged with (`// [math loss]`, `// [math loss, gradient]`). */
export function lineKeys(line: string): MathKey[] {
  const m = /\/\/ \[math ([a-z, ]+)\]\s*$/.exec(line);
  if (!m) return [];
  return m[1]
    .split(',')
    .map((k) => k.trim())
    .filter((k): k is MathKey => (MATH_KEYS as readonly string[]).includes(k));
}

/** A kernel's source as one element a line, each tagged line marked with its formulas (data-math) and clickable. */
export function sourceLines(source: string): HTMLElement[] {
  return source.split('\n').map((text) => {
    const line = document.createElement('span');
    line.className = 'line';
    line.textContent = `${text}\n`;
    const keys = lineKeys(text);
    if (keys.length > 0) {
      line.dataset.math = keys.join(' ');
      line.classList.add('math-line');
    }
    return line;
  });
}

/**
 * Highlights formula `key` and its lines (opening the kernels that hold them), or clears all for
 * null; returns the lines lit, of WGSL and of the CPU twins (TypeScript).
 */
export function highlight(key: MathKey | null): { wgsl: number; twin: number } {
  for (const el of document.querySelectorAll('.math-active')) el.classList.remove('math-active');
  if (!key) return { wgsl: 0, twin: 0 };
  document.querySelector(`.formula[data-math="${key}"]`)?.classList.add('math-active');
  const lines = [...document.querySelectorAll<HTMLElement>('#kernels .line[data-math]')].filter((l) => l.dataset.math!.split(' ').includes(key));
  for (const l of lines) {
    l.classList.add('math-active');
    (l.closest('details') as HTMLDetailsElement | null)?.setAttribute('open', '');
  }
  const twin = lines.filter((l) => l.closest<HTMLElement>('details')?.dataset.kernel?.endsWith('.ts')).length;
  return { wgsl: lines.length - twin, twin };
}

/** The drawMath in progress: a later one (the language changed) replaces it. */
let drawing = 0;

/**
 * Draws the formulas with their texts in the page's language; a click on one highlights its lines.
 * KaTeX typesets one a frame and the page shows it at once: the five typeset in one go were a task
 * of 50-80 ms on a 2-core machine, and their ~1,900 boxes laid out in one frame another 60.
 */
export async function drawMath(L: Labels): Promise<void> {
  const mine = ++drawing;
  const [{ default: katex }] = await Promise.all([import('katex'), import('katex/dist/katex.min.css')]);
  const list = $('math-list');
  for (const [i, key] of MATH_KEYS.entries()) {
    // After the next frame is drawn: the last formula's layout is done.
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    if (mine !== drawing) return;
    const item = formulaItem(key, L, (tex, into) => katex.render(tex, into, { displayMode: true, throwOnError: false, output: 'htmlAndMathml' }));
    if (i === 0) list.replaceChildren(item);
    else list.append(item);
  }
}

/** Formula `key` as the page shows it: its title, the formula typeset by `render`, its text; a click or Enter highlights its lines. */
function formulaItem(key: MathKey, L: Labels, render: (tex: string, into: HTMLElement) => void): HTMLElement {
  const item = document.createElement('div');
  item.className = 'formula';
  item.dataset.math = key;
  item.tabIndex = 0;
  item.setAttribute('role', 'button');
  const title = document.createElement('h3');
  title.textContent = L.mathTitle(key);
  const tex = document.createElement('div');
  render(formulas(L.mathOr)[key], tex);
  const text = document.createElement('p');
  text.textContent = L.mathText(key);
  item.append(title, tex, text);
  const pick = () => {
    const lit = highlight(key);
    document.querySelector<HTMLElement>('#kernels .line.math-active')?.scrollIntoView({ block: 'nearest' });
    $('math-status').textContent = L.mathLines(lit.wgsl, lit.twin);
  };
  item.addEventListener('click', pick);
  item.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      pick();
    }
  });
  return item;
}

/** A click on a tagged line (WGSL or twin) highlights its (first) formula and the formula's other lines. */
export function setupMathLines(L: () => Labels): void {
  $('kernels').addEventListener('click', (e) => {
    const line = (e.target as HTMLElement).closest<HTMLElement>('.line[data-math]');
    if (!line) return;
    const key = line.dataset.math!.split(' ')[0] as MathKey;
    const lit = highlight(key);
    document.querySelector(`.formula[data-math="${key}"]`)?.scrollIntoView({ block: 'nearest' });
    $('math-status').textContent = L().mathLines(lit.wgsl, lit.twin);
  });
}
