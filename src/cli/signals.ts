/**
 * What Ctrl-C (SIGINT), SIGTERM and SIGHUP do to a command that trains (`train`, `bench`): nothing
 * is left running and no file is left cut short, whenever the signal comes.
 */

/** The command's exit codes, as the README lists them. */
export const EXIT = { ok: 0, error: 1, badInput: 2, noWebGpu: 3, diverged: 4, hangup: 129, interrupted: 130, terminated: 143 } as const;

const complain = (line: string) => process.stderr.write(`${line}\n`);

/** The signals that stop a run, and the exit code each gives (128 + its number). */
const STOP_SIGNALS = { SIGINT: EXIT.interrupted, SIGTERM: EXIT.terminated, SIGHUP: EXIT.hangup } as const;
type StopSignal = keyof typeof STOP_SIGNALS;

/** What a signal stops: a runtime's run in progress. */
export interface Stoppable {
  abort(): Promise<void>;
}

/** What a signal handler gives a run: the exit code it asks for, and the runtime to stop. */
export interface Signals {
  /** 130 after Ctrl-C, 143 after SIGTERM, 129 after SIGHUP, null if none came. */
  exitCode(): number | null;
  /** Training begins in `runtime`: a signal stops its run, and one that came before is passed on at once. */
  attach(runtime: Stoppable): void;
  /** The files are being written: a signal lets them finish (whole), then the command exits with its code. */
  writing(): void;
  /** The run is over and its files written: a signal now is too late, and says so. */
  finished(): void;
  detach(): void;
}

/**
 * From the first moment of a run: a signal before training begins ends the command at once
 * (nothing was trained or written; headless Chrome, driven through a pipe, goes with it); during
 * training the first Ctrl-C (SIGINT), SIGTERM or SIGHUP stops the run, so what completed is
 * written, and a second one quits at once; while the files are written they are finished first.
 */
export function watchSignals(): Signals {
  let code: number | null = null;
  let runtime: Stoppable | null = null;
  let phase: 'starting' | 'training' | 'writing' | 'finished' = 'starting';
  const abort = () => {
    if (runtime) void runtime.abort().catch(() => undefined);
  };
  const on = (signal: StopSignal) => () => {
    if (phase === 'finished') return complain(`(${signal} came after the run had finished; its files are written.)`);
    if (code !== null) process.exit(code);
    code = STOP_SIGNALS[signal];
    if (phase === 'starting') {
      complain(`Stopped (${signal}) before training began; nothing was written.`);
      process.exit(code);
    }
    if (phase === 'writing') return complain(`Stopping (${signal}) once the files being written are whole...`);
    complain(`Stopping (${signal}); what completed will be written (${signal === 'SIGINT' ? 'Ctrl-C' : signal} again to quit at once)...`);
    abort();
  };
  const handlers = Object.fromEntries(Object.keys(STOP_SIGNALS).map((signal) => [signal, on(signal as StopSignal)])) as Record<StopSignal, () => void>;
  for (const [signal, handler] of Object.entries(handlers)) process.on(signal, handler);
  return {
    exitCode: () => code,
    attach: (r) => {
      runtime = r;
      phase = 'training';
      if (code !== null) abort();
    },
    writing: () => void (phase = 'writing'),
    finished: () => void (phase = 'finished'),
    detach: () => {
      for (const [signal, handler] of Object.entries(handlers)) process.off(signal, handler);
    },
  };
}
