import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HMAC-SHA256 signatures with a purpose label mixed in, so a value signed for one purpose
 * (a shopper session) is never accepted for another (a staff token).
 */
export class Signer {
  readonly #key: Buffer;

  constructor(secret: string) {
    this.#key = createHash('sha256').update(`liveshop-signing\0${secret}`).digest();
  }

  sign(purpose: string, payload: string): string {
    return createHmac('sha256', this.#key).update(`${purpose}\0${payload}`).digest('base64url');
  }

  verify(purpose: string, payload: string, signature: string): boolean {
    return constantTimeEqual(this.sign(purpose, payload), signature);
  }
}

/** Compares two strings in time independent of where they differ; hashing first hides their lengths too. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}
