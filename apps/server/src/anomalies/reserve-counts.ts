/**
 * Each shopper's reserves of one event in a sliding window, and the median of the other shoppers'
 * counts, for `reserve_burst_actor`. The window is one queue for every shopper (ledger entries
 * arrive in time order), so every count is exact at each entry without visiting the other
 * shoppers, and the counts are kept in a Fenwick tree indexed by count, so the median is a few
 * steps (the logarithm of the largest count) rather than a sort of every active shopper's count
 * on every reserve.
 */
export class ReserveCounts {
  readonly #at: number[] = [];
  readonly #who: string[] = [];
  #start = 0;
  readonly #counts = new Map<string, number>();
  /** `#tree` over counts 1..`#size`: how many shoppers have each count. */
  #tree = new Int32Array(65);
  #size = 64;

  constructor(private readonly windowMs: number) {}

  /** Counts a reserve of `shopperId` at `at`, lets older reserves leave the window, and returns the shopper's count. */
  add(shopperId: string, at: number): number {
    this.#at.push(at);
    this.#who.push(shopperId);
    this.#move(shopperId, 1);
    const edge = at - this.windowMs;
    while (this.#start < this.#at.length && this.#at[this.#start]! <= edge) {
      this.#move(this.#who[this.#start]!, -1);
      this.#start += 1;
    }
    if (this.#start > 1024 && this.#start * 2 > this.#at.length) {
      this.#at.splice(0, this.#start);
      this.#who.splice(0, this.#start);
      this.#start = 0;
    }
    return this.#counts.get(shopperId) ?? 0;
  }

  /** Shoppers with at least one reserve in the window. */
  get shoppers(): number {
    return this.#counts.size;
  }

  /** The median count of the shoppers in the window other than `shopperId` (0 when there are none). */
  medianOfOthers(shopperId: string): number {
    const own = this.#counts.get(shopperId) ?? 0;
    const others = this.#counts.size - (own > 0 ? 1 : 0);
    if (others === 0) return 0;
    if (own > 0) this.#bump(own, -1);
    const middle =
      others % 2 === 1 ? this.#kth((others + 1) / 2) : (this.#kth(others / 2) + this.#kth(others / 2 + 1)) / 2;
    if (own > 0) this.#bump(own, 1);
    return middle;
  }

  #move(shopperId: string, delta: number): void {
    const before = this.#counts.get(shopperId) ?? 0;
    const after = before + delta;
    if (after > this.#size) this.#grow(after);
    if (before > 0) this.#bump(before, -1);
    if (after > 0) {
      this.#counts.set(shopperId, after);
      this.#bump(after, 1);
    } else {
      this.#counts.delete(shopperId);
    }
  }

  #bump(count: number, delta: number): void {
    for (let index = count; index <= this.#size; index += index & -index) this.#tree[index]! += delta;
  }

  /** The `k`-th smallest count (1-based). */
  #kth(k: number): number {
    let position = 0;
    let rest = k;
    for (let step = this.#size; step > 0; step >>= 1) {
      const next = position + step;
      if (next <= this.#size && this.#tree[next]! < rest) {
        position = next;
        rest -= this.#tree[next]!;
      }
    }
    return position + 1;
  }

  /** Rebuilds the tree from the counts for counts up to at least `count`. */
  #grow(count: number): void {
    let size = this.#size;
    while (size < count) size *= 2;
    this.#size = size;
    this.#tree = new Int32Array(size + 1);
    for (const value of this.#counts.values()) this.#bump(value, 1);
  }
}
