/**
 * Replay: the page keeps theta at the end of every epoch (every epoch up to MAX_KEPT; past that
 * every 2nd, 4th, ... and always the last), so a slider can redraw the fit as it was at any
 * epoch after a run at full speed.
 */

/** Thetas kept at most (as many as the slider needs; 10 units a theta: a few hundred kB). */
export const MAX_KEPT = 1000;

/** One kept epoch. */
export interface KeptTheta {
  epoch: number;
  theta: Float64Array;
}

/** The thetas of a run's epochs, thinned evenly past MAX_KEPT. */
export class EpochThetas {
  private kept: KeptTheta[] = [];
  private stride = 1;
  private last: KeptTheta | null = null;

  /** Theta at the end of `epoch` (epochs come in order). */
  add(epoch: number, theta: Float64Array): void {
    this.last = { epoch, theta };
    if (epoch !== 1 && epoch % this.stride !== 0) return;
    this.kept.push(this.last);
    if (this.kept.length > MAX_KEPT) {
      this.stride *= 2;
      this.kept = this.kept.filter((k) => k.epoch === 1 || k.epoch % this.stride === 0);
    }
  }

  /** Every kept epoch in order, the last one reported included. */
  entries(): KeptTheta[] {
    const last = this.last;
    return last && this.kept.at(-1) !== last ? [...this.kept, last] : this.kept;
  }
}
