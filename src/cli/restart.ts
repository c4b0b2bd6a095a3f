/** Starting the command again in a changed environment (Dawn's Vulkan loader is read only at process start). */
import { spawn } from 'node:child_process';

/**
 * Runs this command again with `env` (Dawn's Vulkan loader has to be on LD_LIBRARY_PATH from the
 * start) and resolves to its exit code. The child has a process group of its own, so a Ctrl-C
 * at the terminal reaches it once, through this process.
 */
export function restartWith(env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { env, stdio: 'inherit', detached: true });
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    const handlers = { SIGINT: forward('SIGINT'), SIGTERM: forward('SIGTERM') };
    process.on('SIGINT', handlers.SIGINT);
    process.on('SIGTERM', handlers.SIGTERM);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', handlers.SIGINT);
      process.off('SIGTERM', handlers.SIGTERM);
      resolve(code ?? (signal === 'SIGTERM' ? 143 : 130));
    });
  });
}
