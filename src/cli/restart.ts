/** Starting the command again in a changed environment (Dawn's Vulkan loader is read only at process start). */
import { spawn } from 'node:child_process';
import { EXIT } from './signals';

/** Set in the environment of the command started again, so it is started again at most once. */
export const RESTARTED = 'WEBGPU_SGD_RESTARTED';

/**
 * Runs this command again with `env` (Dawn's Vulkan loader has to be on LD_LIBRARY_PATH from the
 * start) and resolves to its exit code. The child has a process group of its own, so a Ctrl-C at
 * the terminal reaches it once, through this process (SIGINT, SIGTERM and SIGHUP are passed on);
 * and an IPC channel to this one, whose end tells it that this process is gone (followParent),
 * however it ended: SIGKILL included.
 */
export function restartWith(env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { env, stdio: ['inherit', 'inherit', 'inherit', 'ipc'], detached: true });
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
    const handlers = signals.map((signal) => [signal, () => child.kill(signal)] as const);
    for (const [signal, handler] of handlers) process.on(signal, handler);
    child.on('exit', (code, signal) => {
      for (const [s, handler] of handlers) process.off(s, handler);
      resolve(code ?? (signal === 'SIGTERM' ? EXIT.terminated : signal === 'SIGHUP' ? EXIT.hangup : EXIT.interrupted));
    });
  });
}

/**
 * In a command started again by restartWith: ends it when its parent is gone (the IPC channel
 * closes when the parent exits or is killed), so it never trains on, unseen, into --out. Files
 * being written are whole or absent either way (output.ts writeWhole).
 */
export function followParent(): void {
  if (!process.env[RESTARTED] || !process.channel) return;
  // The channel must not keep this process alive once its work is done.
  process.channel.unref();
  process.on('disconnect', () => process.exit(EXIT.terminated));
}
