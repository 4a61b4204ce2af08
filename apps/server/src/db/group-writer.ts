interface Waiting<Item, Result> {
  item: Item;
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: writes that concurrent callers ask for while a batch is being written wait, and
 * go together in the next batch, one statement. Each caller resolves (or rejects) with its batch,
 * so a caller still knows its write is durable before it takes its next step. The first write of
 * a quiet moment goes at once: nothing waits for company.
 */
export class GroupWriter<Item, Result> {
  readonly #queue: Waiting<Item, Result>[] = [];
  #writing = false;

  /**
   * @param write writes a batch in one statement and resolves to one result per item, in order.
   * @param keyOf items with the same key never share a batch (a statement touches a row once).
   */
  constructor(
    private readonly write: (items: Item[]) => Promise<Result[]>,
    private readonly keyOf: (item: Item) => string,
    private readonly maxBatch = 64,
  ) {}

  add(item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      if (!this.#writing) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#queue.length > 0) {
        const batch: Waiting<Item, Result>[] = [];
        const keys = new Set<string>();
        for (let i = 0; i < this.#queue.length && batch.length < this.maxBatch;) {
          const entry = this.#queue[i]!;
          const key = this.keyOf(entry.item);
          if (keys.has(key)) {
            i++;
            continue;
          }
          keys.add(key);
          batch.push(entry);
          this.#queue.splice(i, 1);
        }
        try {
          const results = await this.write(batch.map((entry) => entry.item));
          batch.forEach((entry, i) => entry.resolve(results[i]!));
        } catch (error) {
          for (const entry of batch) entry.reject(error);
        }
      }
    } finally {
      this.#writing = false;
    }
  }
}
