/** Limits a delivery's body is held to before and while it is parsed. */
export interface BodyLimits {
  /** Largest body accepted, in bytes. Default 1 MiB (a large Shopify order is about 100 KB). */
  maxBytes?: number;
  /** Deepest nesting of objects and arrays accepted. Default 32 (the providers' payloads use 8). */
  maxDepth?: number;
}

export const DEFAULT_MAX_BYTES = 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 32;

/** Integers with more digits than this may not survive a JSON number (2^53 has 16). */
const MAX_EXACT_DIGITS = 15;

export type ParsedBody = { ok: true; value: unknown } | { ok: false; reason: string };

/**
 * Parses a JSON body without losing ids: Shopify's ids (e.g. 271878346596884015) are larger than a
 * double holds exactly, so every integer literal of more than 15 digits is read as a string of its
 * digits. The same scan refuses nesting deeper than `maxDepth`, so a hostile body costs one pass.
 */
export function parseJsonBody(rawBody: Buffer, maxDepth = DEFAULT_MAX_DEPTH): ParsedBody {
  const text = rawBody.toString('utf8');
  const pieces: string[] = [];
  let copiedUpTo = 0;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c) i++;
      else if (char === 0x22) inString = false;
      continue;
    }
    if (char === 0x22) inString = true;
    else if (char === 0x7b || char === 0x5b) {
      depth++;
      if (depth > maxDepth) return { ok: false, reason: `JSON nested deeper than ${maxDepth} levels` };
    } else if (char === 0x7d || char === 0x5d) depth--;
    else if (char === 0x2d || (char >= 0x30 && char <= 0x39)) {
      const end = numberEnd(text, i);
      const literal = text.slice(i, end);
      if (/^-?\d+$/.test(literal) && literal.replace('-', '').length > MAX_EXACT_DIGITS) {
        pieces.push(text.slice(copiedUpTo, i), `"${literal}"`);
        copiedUpTo = end;
      }
      i = end - 1;
    }
  }
  pieces.push(text.slice(copiedUpTo));
  try {
    return { ok: true, value: JSON.parse(pieces.join('')) };
  } catch (error) {
    return { ok: false, reason: `body is not JSON (${(error as Error).message})` };
  }
}

function numberEnd(text: string, start: number): number {
  let end = start + 1;
  while (end < text.length && /[0-9eE.+-]/.test(text[end]!)) end++;
  return end;
}
