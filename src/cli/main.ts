/**
 * The `webgpu-sgd` command (bin/webgpu-sgd.js runs the built copy of this file): `train` runs
 * an experiment or a sweep (train.ts), `bench` times the engines (bench.ts). Each subcommand is loaded only when named, so `--help`
 * prints at once.
 */
import { followParent } from './restart';

const USAGE = `Usage: webgpu-sgd <command> [options]

Train the Stockholm math-circle network alpha(x) = sum_k v_k sigmoid(w_k x + b_k) by SGD on the
GPU (WebGPU: in this process through Dawn, or in headless Chrome) or on the CPU.

Commands:
  train [options]   the lecture's run, or any config, or a sweep of many models (train --help)
  bench [options]   GPU against CPU on the same workloads, every result checked first (bench --help)

Options:
  -h, --help        this text
  -V, --version     the version
`;

/** Runs the command line; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  followParent();
  const [command, ...rest] = argv;
  if (command === 'train') return (await import('./train')).main(rest);
  if (command === '-V' || command === '--version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (command === 'bench') return (await import('./bench')).main(rest);
  process.stderr.write(`error: unknown command '${command}'\n\n${USAGE}`);
  return 2;
}

/** The package's version (set by the build from package.json). */
const VERSION: string = typeof __WEBGPU_SGD_VERSION__ === 'string' ? __WEBGPU_SGD_VERSION__ : 'development';
declare const __WEBGPU_SGD_VERSION__: string | undefined;
