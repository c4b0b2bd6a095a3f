/** Runs the built command (bin/webgpu-sgd.js, built by the global setup) as a user would, and collects what it printed. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { PROJECT_ROOT } from '../../src/cli/session';

/** What a finished command left. */
export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from the interrupting signal to the process's exit (null without one). */
  afterSignalMs: number | null;
}

/**
 * Runs `webgpu-sgd <script> args`; `interruptWhen` sends it `signal` (SIGINT, as Ctrl-C does,
 * unless told) once its stdout matches, or `delayMs` after that; `interruptAfterMs`, that long
 * after it starts, whatever it printed.
 */
export function runCli(
  script: string,
  args: string[],
  options: { env?: Record<string, string>; interruptWhen?: RegExp; interruptAfterMs?: number; signal?: NodeJS.Signals; delayMs?: number; timeoutMs?: number } = {},
): Promise<Ran> {
  return new Promise((resolve, reject) => {
    // One process, as `npx webgpu-sgd` starts it: a signal reaches the command itself.
    const command = script === '' ? [BIN] : [BIN, script];
    const child = spawn(process.execPath, [...command, ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    let signalledAt: number | null = null;
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    if (options.interruptAfterMs !== undefined) {
      interrupted = true;
      setTimeout(() => {
        signalledAt = performance.now();
        child.kill(options.signal ?? 'SIGINT');
      }, options.interruptAfterMs);
    }
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (options.interruptWhen && !interrupted && options.interruptWhen.test(stdout)) {
        interrupted = true;
        setTimeout(() => {
          signalledAt = performance.now();
          child.kill(options.signal ?? 'SIGINT');
        }, options.delayMs ?? 0);
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, afterSignalMs: signalledAt === null ? null : performance.now() - signalledAt });
    });
  });
}

/** The built command. */
const BIN = join(PROJECT_ROOT, 'bin/webgpu-sgd.js');

/** Runs `webgpu-sgd args` (the built command, any subcommand). */
export const runBin = (args: string[], options: Parameters<typeof runCli>[2] = {}) => runCli('', args, options);

/** A maker of fresh temporary folders, all removed after the file's tests. */
export function tempDirs(prefix: string): () => string {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
  return () => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
}
