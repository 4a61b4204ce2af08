import { setTimeout as sleep } from 'node:timers/promises';
import createDebug from 'debug';
import { isUnavailableError } from '../redis-availability.js';

const debug = createDebug('liveshop:workers');
const FIRST_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5_000;
/** While Redis is away, retry often enough to resume within a second of its return. */
const MAX_UNAVAILABLE_BACKOFF_MS = 1_000;

/** A background loop that restarts itself after a failure and stops on request. */
export interface SupervisedLoop {
  readonly name: string;
  /** Aborts the loop and resolves once its current iteration has ended. */
  stop(): Promise<void>;
}

/**
 * Runs `body` until `stop()`. When it throws, the failure is reported and `body` runs again after
 * an exponential backoff (0.1 s doubling up to 5 s, reset by a clean return). A failure because
 * Redis is away is expected during an outage (reported once, by the connection's watch): it is
 * not logged, and the backoff stops at 1 s so work resumes soon after Redis is back. `body` should
 * return or throw promptly once `signal` aborts; `onStop` runs first to help it (e.g. closing a
 * blocked connection).
 */
export function superviseLoop(
  name: string,
  body: (signal: AbortSignal) => Promise<void>,
  hooks: { onRestart?: (error: unknown) => void; onStop?: () => void } = {},
): SupervisedLoop {
  const controller = new AbortController();
  const { signal } = controller;
  const done = (async () => {
    let backoff = FIRST_BACKOFF_MS;
    while (!signal.aborted) {
      try {
        await body(signal);
        backoff = FIRST_BACKOFF_MS;
      } catch (error) {
        if (signal.aborted) break;
        const unavailable = isUnavailableError(error);
        if (unavailable) backoff = Math.min(backoff, MAX_UNAVAILABLE_BACKOFF_MS);
        if (unavailable) debug('worker %s waits for Redis: %s', name, (error as Error).message);
        else console.error(`liveshop: worker ${name} failed; restarting in ${backoff} ms:`, (error as Error).message);
        hooks.onRestart?.(error);
        await sleep(backoff, undefined, { signal }).catch(() => undefined);
        backoff = Math.min(backoff * 2, unavailable ? MAX_UNAVAILABLE_BACKOFF_MS : MAX_BACKOFF_MS);
      }
    }
    debug('worker %s stopped', name);
  })();
  debug('worker %s started', name);
  return {
    name,
    async stop() {
      if (!signal.aborted) {
        controller.abort();
        hooks.onStop?.();
      }
      await done;
    },
  };
}
