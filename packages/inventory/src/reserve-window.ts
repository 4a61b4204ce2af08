/**
 * Bounds how many reserves wait on Redis at once. A burst of 10,000 reserves written to one
 * connection at once queues inside Redis, and on a slow or shared machine the tail of that queue
 * waits longer than the connection's command timeout: those reserves are answered as failed
 * although Redis still runs them (their holds exist until they expire), and a liveness probe sent
 * on the same connection times out behind them. Reserves past the window wait here instead, in
 * arrival order, where no command timeout runs, and each goes out as an earlier one's reply comes
 * back; a window of a few hundred keeps Redis's queue full, so throughput is the same.
 */
export class ReserveWindow {
  #inFlight = 0;
  /** Waiting reserves in arrival order; `#head` is the next to go (no O(n) shift per reply). */
  #waiting: (() => void)[] = [];
  #head = 0;

  /** `size` reserves at most on Redis at once; 0 = no bound. */
  constructor(readonly size: number) {}

  get inFlight(): number {
    return this.#inFlight;
  }

  get waiting(): number {
    return this.#waiting.length - this.#head;
  }

  /** Takes a place in the window: undefined when there is one now, else a promise of one. */
  enter(): Promise<void> | undefined {
    if (this.size === 0 || this.#inFlight < this.size) {
      this.#inFlight += 1;
      return undefined;
    }
    return new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  /** Gives the place back, straight to the oldest waiting reserve when there is one. */
  leave(): void {
    if (this.#head < this.#waiting.length) {
      const next = this.#waiting[this.#head]!;
      this.#head += 1;
      if (this.#head === this.#waiting.length) {
        this.#waiting = [];
        this.#head = 0;
      }
      next();
      return;
    }
    this.#inFlight -= 1;
  }
}
