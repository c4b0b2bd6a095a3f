/**
 * "What the GPU runs": the WGSL of every kernel and prelude, what each does, and how many times
 * each was dispatched in the last run; then the CPU twins the kernels are held to.
 */
import type { EngineName, TrainResult } from '../experiment/run';
import { onGpu } from '../experiment/engines';
import type { Experiment } from '../experiment/config';
import type { Labels } from '../plots/i18n';
import { shaderSources } from '../train';
import { $ } from './dom';
import { sourceLines } from './math-view';

/** What the view needs of a run. */
export interface KernelsRun {
  engine: EngineName;
  exp: Experiment;
  result: TrainResult | null;
}

/** Loads the sources, then draws with `current()` (the last run, or null); returns the redraw. */
export function setupKernelsView(current: () => { run: KernelsRun | null; L: Labels }): (run: KernelsRun | null, L: Labels) => void {
  let sources: Awaited<ReturnType<typeof shaderSources>> | null = null;
  const draw = (run: KernelsRun | null, L: Labels): void => {
    if (!sources) return;
    const { common, fusedCommon, thetaRegisters, serialSteps, kernels: K } = sources;
    const counts = run?.result ? dispatchCounts(run) : null;
    const kernels: [string, string, string, number | null][] = [
      ['common.wgsl', L.kernelCommon, common, null],
      ['forward.wgsl', L.kernelForward, K.forward, counts?.forward ?? null],
      ['mse_grad.wgsl', L.kernelMseGrad, K.mse_grad, counts?.mseGrad ?? null],
      ['sgd_update.wgsl', L.kernelSgdUpdate, K.sgd_update, counts?.update ?? null],
      ['fused_common.wgsl', L.kernelFusedCommon, fusedCommon, null],
      ['theta_registers.wgsl', L.kernelThetaRegisters, thetaRegisters, null],
      ['serial_steps.wgsl', L.kernelSerialSteps, serialSteps, null],
      ['sgd_invocation.wgsl', L.kernelInvocation, K.sgd_invocation, counts?.invocation ?? null],
      ['sgd_subgroup.wgsl', L.kernelSubgroup, K.sgd_subgroup, counts?.subgroup ?? null],
      ['sgd_tiled.wgsl', L.kernelTiled, K.sgd_tiled, counts?.tiled ?? null],
      // The CPU twins each kernel is held to, beside the WGSL in src/kernels/.
      ['common.ts', L.twinCommon, sources.twins.common, null],
      ['perop/twin.ts', L.twinPerop, sources.twins.perop, null],
      ['fused/twin.ts', L.twinFused, sources.twins.fused, null],
    ];
    $('kernels').replaceChildren(
      ...kernels.map(([name, text, source, count]) => {
        const details = document.createElement('details');
        details.dataset.kernel = name;
        const summary = document.createElement('summary');
        summary.textContent = count === null ? name : `${name}: ${L.dispatchedLast(count)}`;
        const p = document.createElement('p');
        p.textContent = text;
        const pre = document.createElement('pre');
        // A line a span, the lines that compute a formula marked (math-view.ts).
        pre.replaceChildren(...sourceLines(source));
        details.append(summary, p, pre);
        return details;
      }),
    );
  };
  void shaderSources().then((s) => {
    sources = s;
    const { run, L } = current();
    draw(run, L);
  });
  return draw;
}

/** How many times each kernel ran in a GPU run (epochs run x what an epoch issues). */
function dispatchCounts(run: KernelsRun): { forward: number; mseGrad: number; update: number; invocation: number; subgroup: number; tiled: number } {
  const none = { forward: 0, mseGrad: 0, update: 0, invocation: 0, subgroup: 0, tiled: 0 };
  if (!onGpu(run.engine)) return none;
  const e = run.result!.epochs;
  if (run.engine === 'gpu-perop') {
    const val = run.exp.valPoints > 0 ? 1 : 0;
    const steps = run.exp.stepsPerEpoch;
    return { ...none, forward: e * (steps + val + 1), mseGrad: e * (steps + val), update: e * steps };
  }
  // Fused: every dispatch is the chosen variant (validation and alpha included).
  const variant = (['subgroup', 'tiled', 'invocation'] as const).find((v) => run.result!.kernel?.startsWith(v)) ?? 'invocation';
  return { ...none, [variant]: run.result!.dispatches };
}
