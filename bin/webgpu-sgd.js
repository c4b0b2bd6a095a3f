#!/usr/bin/env node
// The `webgpu-sgd` command: the built command line (npm run build:lib writes dist-lib/).
import { existsSync } from 'node:fs';

const cli = new URL('../dist-lib/cli.js', import.meta.url);
if (!existsSync(cli)) {
  process.stderr.write('error: webgpu-sgd is not built: run `npm run build:lib` in the repository (npm run train does it first)\n');
  process.exit(1);
}
const { main } = await import(cli.href);
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
