/**
 * A phone number in E.164 (`+` and 8 to 15 digits), or undefined when the text is no phone number.
 * A small, documented normaliser rather than a full numbering plan (docs/protocol.md, "Customer
 * identity"):
 *
 * - the punctuation people write (spaces, `-`, `.`, `(`, `)`, `/`) is dropped; any other character
 *   but a leading `+` makes it no number;
 * - `+` or an international prefix `00` (or `011` where the default calling code is 1) starts the
 *   country code: the digits are the number;
 * - otherwise the number is national: one trunk `0` in front is dropped and the default calling code
 *   put in front; where that code is 1 (North America), 11 digits starting with 1 already carry it;
 * - the result has 8 to 15 digits (E.164's 15 at most; no country's full number has fewer than 8).
 *
 * Two writings of one number in the same country therefore match; a number's validity within its
 * country's plan is not checked.
 */
export function toE164(text: unknown, defaultCallingCode: string): string | undefined {
  if (typeof text !== 'string' || text.length > 40) return undefined;
  const trimmed = text.trim();
  const plus = trimmed.startsWith('+');
  const body = plus ? trimmed.slice(1) : trimmed;
  if (!/^[0-9 ().\-/]+$/.test(body)) return undefined;
  let digits = body.replace(/[^0-9]/g, '');
  if (digits === '') return undefined;
  if (!plus) {
    if (digits.startsWith('00')) digits = digits.slice(2);
    else if (defaultCallingCode === '1' && digits.startsWith('011')) digits = digits.slice(3);
    else if (defaultCallingCode === '1' && digits.length === 11 && digits.startsWith('1')) {
      // Already carries the code.
    } else digits = defaultCallingCode + (digits.startsWith('0') ? digits.slice(1) : digits);
  }
  if (digits.startsWith('0') || digits.length < 8 || digits.length > 15) return undefined;
  return `+${digits}`;
}
