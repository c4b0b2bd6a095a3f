/**
 * The page, for now a small one: pick an engine, train the lecture's network, and read the
 * epochs as Keras prints them. Charts and controls come with the page issue.
 */
import { prepareExperiment } from '../experiment/config';
import type { EngineName } from '../experiment/run';
import { getGpu } from '../gpu/device';
import { train } from '../train';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const log = $<HTMLPreElement>('log');
const engineSelect = $<HTMLSelectElement>('engine');
const trainButton = $<HTMLButtonElement>('train');
const stopButton = $<HTMLButtonElement>('stop');
const banner = $<HTMLParagraphElement>('banner');

let controller: AbortController | null = null;

function print(line: string): void {
  log.textContent += `${line}\n`;
  log.scrollTop = log.scrollHeight;
}

getGpu().then(
  (gpu) => print(`WebGPU adapter: ${gpu.description}`),
  (e: Error) => {
    banner.textContent = e.message;
    banner.hidden = false;
    engineSelect.value = 'cpu';
  },
);

trainButton.addEventListener('click', async () => {
  const exp = prepareExperiment();
  const engine = engineSelect.value as EngineName;
  controller = new AbortController();
  trainButton.disabled = true;
  stopButton.disabled = false;
  log.textContent = '';
  print(`Training on ${engine}: ${exp.epochs} epochs of ${exp.stepsPerEpoch} steps`);
  try {
    const result = await train(exp, {
      engine,
      signal: controller.signal,
      onEpoch: (r) =>
        print(`Epoch ${r.epoch}/${exp.epochs} - loss: ${r.loss.toFixed(4)} - val_loss: ${r.valLoss === null ? '-' : r.valLoss.toFixed(4)}`),
    });
    print(
      `${result.status}: ${result.epochs} epochs in ${result.timings.trainMs.toFixed(0)} ms ` +
        `(${result.dispatches} dispatches) on ${result.device}`,
    );
  } catch (e) {
    print(`Error: ${(e as Error).message}`);
  } finally {
    trainButton.disabled = false;
    stopButton.disabled = true;
  }
});

stopButton.addEventListener('click', () => controller?.abort());
