/**
 * Counts events per key in fixed one-window slots (aligned to the clock, e.g. each whole second)
 * in this process's memory, synchronously. The counts of the previous window are dropped in one
 * go when a new window starts, so memory is bounded by the keys seen in one window and there is
 * no timer per key.
 */
export class WindowCounter {
  #window = -1;
  #counts = new Map<string, number>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /**
   * Counts one event for `key`. Returns 0 when it is within the limit, otherwise the milliseconds
   * until the window ends (when the key may go again).
   */
  hit(key: string, now = Date.now()): number {
    const window = Math.floor(now / this.windowMs);
    if (window !== this.#window) {
      this.#window = window;
      this.#counts.clear();
    }
    const count = (this.#counts.get(key) ?? 0) + 1;
    this.#counts.set(key, count);
    return count <= this.limit ? 0 : (window + 1) * this.windowMs - now;
  }
}
