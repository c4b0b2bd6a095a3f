/** Types of build-cli.mjs (plain JavaScript, so `npm run train` runs it with Node as it is). */
/** Why the command must be built, or null if dist-lib/ is as new as every source. */
export function staleReason(): string | null;
/** Builds dist-lib/ (the package's modules, then the runner page) and stamps it with the build's start. */
export function buildCli(): Promise<void>;
