/** Stepping on the CPU engines: the reference trainer's own model, a slice of an epoch at a time. */
import type { Experiment } from '../experiment/config';
import { prepareInputs } from '../experiment/inputs';
import { yielder } from '../experiment/pause';
import { makeStepper, type Stepper } from '../experiment/stepping';
import { cpuModel, roundedData } from './trainer';

/** A Stepper on 'cpu' (float64), 'cpu-f32' or 'cpu-wasm'; its theta after n steps is trainCpu's after n steps, exactly. */
export async function cpuStepper(exp: Experiment, engine: 'cpu' | 'cpu-f32' | 'cpu-wasm'): Promise<Stepper> {
  const precision = engine === 'cpu-f32' ? 'f32' : 'f64';
  const inputs = await prepareInputs(exp, [exp], yielder());
  // cpu-wasm's model takes theta in at each beginEpoch, as this one sets it before.
  const model =
    engine === 'cpu-wasm'
      ? await (await import('./wasm')).cpuWasmModel(exp, inputs.data, inputs.thetas[0])
      : cpuModel(exp, roundedData(inputs.data, precision), precision, inputs.thetas[0]);
  // The model's own start (rounded to float32 for cpu-f32).
  return makeStepper(exp, { ...inputs, thetas: [Float64Array.from(model.theta)] }, engine, async (theta, order, from, to) => {
    model.theta.set(theta);
    model.beginEpoch(order);
    model.steps(from, to);
    return Float64Array.from(model.theta);
  });
}
