/**
 * A fresh idempotency key for one Buy Now tap. Retries of that tap reuse it, so the server answers
 * them from its stored result instead of reserving again. `crypto.randomUUID` needs a secure
 * context; plain-http embeds fall back to `getRandomValues`.
 */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return `w-${crypto.randomUUID()}`;
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `w-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
