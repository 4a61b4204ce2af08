/** Remembers when each key last fired, so a rule raises once per cooldown rather than on every entry. */
export class Cooldowns {
  readonly #until = new Map<string, number>();

  /** True (and starts the cooldown) when `key` is not cooling down at `now`. */
  take(key: string, now: number, cooldownMs: number): boolean {
    const until = this.#until.get(key);
    if (until !== undefined && until > now) return false;
    if (this.#until.size > 100_000) this.#until.clear();
    this.#until.set(key, now + cooldownMs);
    return true;
  }
}

/** Timestamps in a sliding window, oldest first. */
export class SlidingWindow<T = true> {
  readonly #items: { at: number; value: T }[] = [];
  #start = 0;

  constructor(private readonly windowMs: number) {}

  add(at: number, value: T): void {
    this.#items.push({ at, value });
    this.prune(at);
  }

  prune(now: number): void {
    while (this.#start < this.#items.length && this.#items[this.#start]!.at <= now - this.windowMs) this.#start += 1;
    if (this.#start > 1024 && this.#start * 2 > this.#items.length) {
      this.#items.splice(0, this.#start);
      this.#start = 0;
    }
  }

  get size(): number {
    return this.#items.length - this.#start;
  }

  *values(): Iterable<T> {
    for (let index = this.#start; index < this.#items.length; index += 1) yield this.#items[index]!.value;
  }
}
