import type { ReserveInput } from '@liveshop/protocol';

/** Most reserves one script call carries (each adds four arguments). */
export const MAX_RESERVE_BATCH = 128;

/** What `reserve-n.lua` answers for one reserve: the hold as text, or an error tuple. */
export type ReserveReply = string | unknown[];

/** Sends one batch of reserves of one SKU (in arrival order) and resolves to a reply per reserve. */
export type SendReserves = (batch: readonly ReserveInput[]) => Promise<ReserveReply[]>;

interface Waiting<R> {
  input: ReserveInput;
  resolve(result: R): void;
  reject(error: unknown): void;
}

/**
 * Groups the reserves of one event-loop turn by event and SKU and sends each group as one call of
 * `reserve-n.lua`, which answers every reserve as if it had run alone, in arrival order. What the
 * reserves of a SKU share (the event's settings, the counts, the clock, the idempotency lookups,
 * the writes of the new holds and counts) is then read and written once per group instead of once
 * per reserve, and the server sends one command instead of one each. A reserve waits at most for
 * the rest of its turn: the groups leave in the turn's check phase (`setImmediate`), after every
 * request that arrived in the same poll has been read. A group larger than
 * {@link MAX_RESERVE_BATCH} leaves in several calls, in order.
 *
 * A failed call (Redis down, a timeout) rejects every reserve of its batch with the same error;
 * the script is atomic, so none of them happened.
 */
export class ReserveBatcher<R> {
  #groups = new Map<string, Waiting<R>[]>();
  #scheduled = false;

  constructor(
    private readonly send: SendReserves,
    /** Turns a reserve's reply into what its caller gets (applied before the promise resolves). */
    private readonly decode: (input: ReserveInput, reply: ReserveReply) => R,
    /** `false` sends each reserve at once, in a batch of its own. */
    private readonly batching = true,
  ) {}

  reserve(input: ReserveInput): Promise<R> {
    if (!this.batching) return this.send([input]).then((replies) => this.decode(input, replies[0] ?? []));
    return new Promise((resolve, reject) => {
      const id = `${input.eventId}\n${input.sku}`;
      let group = this.#groups.get(id);
      if (!group) this.#groups.set(id, (group = []));
      group.push({ input, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(this.#flush);
      }
    });
  }

  readonly #flush = (): void => {
    this.#scheduled = false;
    const groups = this.#groups;
    this.#groups = new Map();
    for (const group of groups.values()) {
      for (let start = 0; start < group.length; start += MAX_RESERVE_BATCH) {
        this.#dispatch(group.slice(start, start + MAX_RESERVE_BATCH));
      }
    }
  };

  #dispatch(batch: Waiting<R>[]): void {
    let sent: Promise<ReserveReply[]>;
    try {
      sent = this.send(batch.map((waiting) => waiting.input));
    } catch (error) {
      sent = Promise.reject(error);
    }
    sent.then(
      (replies) => {
        for (let i = 0; i < batch.length; i += 1) {
          const waiting = batch[i]!;
          let result: R;
          try {
            result = this.decode(waiting.input, replies[i] ?? []);
          } catch (error) {
            waiting.reject(error);
            continue;
          }
          waiting.resolve(result);
        }
      },
      (error: unknown) => {
        for (const waiting of batch) waiting.reject(error);
      },
    );
  }
}
