/**
 * Keeps the shopper's signed session between page loads, per server, so a returning shopper keeps
 * its shopper id (and with it its holds and purchase limits). Storage can be unavailable (privacy
 * modes, sandboxed iframes); the widget then works with a fresh session per load.
 */
export class SessionStore {
  private memory: string | undefined;

  constructor(
    private readonly key: string,
    private readonly storage: Pick<Storage, 'getItem' | 'setItem'> | null = defaultStorage(),
  ) {}

  get(): string | undefined {
    try {
      return this.storage?.getItem(this.key) ?? this.memory;
    } catch {
      return this.memory;
    }
  }

  set(session: string): void {
    this.memory = session;
    try {
      this.storage?.setItem(this.key, session);
    } catch {
      // Quota or privacy mode: the in-memory copy still serves this page load.
    }
  }
}

function defaultStorage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}
