/** Stepping on the CPU engines: the reference trainer's own model, a slice of an epoch at a time. */
import type { Experiment } from '../experiment/config';
import { prepareInputs } from '../experiment/inputs';
import { yielder } from '../experiment/pause';
import { makeStepper, type Stepper } from '../experiment/stepping';
import { oneThreadModels, type OneThreadEngine } from './trainer';

/** A Stepper on 'cpu' (float64), 'cpu-f32' or 'cpu-wasm'; its theta after n steps is trainCpu's after n steps, exactly. */
export async function cpuStepper(exp: Experiment, engine: OneThreadEngine): Promise<Stepper> {
  const inputs = await prepareInputs(exp, [exp], yielder());
  // cpu-wasm's model takes theta in at each beginEpoch, as this one sets it before.
  const [model] = await oneThreadModels(engine, [exp], inputs.data, inputs.thetas);
  // From the model's own start (rounded to float32 for cpu-f32). An epoch begins at its first step
  // and ends at its last, as in a run, so its loss and val_loss are the run's; in between, theta
  // stays in the model (cpu-wasm's in its module's memory).
  return makeStepper(exp, { ...inputs, thetas: [Float64Array.from(model.theta)] }, engine, async (theta, order, from, to) => {
    if (from === 0) {
      model.theta.set(theta);
      model.beginEpoch(order);
    }
    model.steps(from, to);
    const epochEnd = to === exp.stepsPerEpoch ? model.endEpoch() : undefined;
    return { theta: Float64Array.from(model.theta), epochEnd };
  });
}
