/** One header of a delivery: absent, one value, or several (sent twice, or joined by a proxy). */
export type HeaderValue = { kind: 'absent' } | { kind: 'one'; value: string } | { kind: 'several' };

const ABSENT: HeaderValue = { kind: 'absent' };
const SEVERAL: HeaderValue = { kind: 'several' };

/**
 * Reads a single-valued header by case-insensitive name from headers as Node (or a test) gives
 * them. Node joins repeated headers with ", ", and none of the headers the adapters read may hold a
 * comma (base64, hex, topics, ids, domains, timestamps), so a comma means the header came twice.
 * Only own string keys count: a hostile object's prototype is never consulted.
 */
export function readHeader(headers: unknown, name: string): HeaderValue {
  if (headers === null || typeof headers !== 'object') return ABSENT;
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() !== wanted) continue;
    const raw: unknown = (headers as Record<string, unknown>)[key];
    if (typeof raw === 'string') values.push(raw);
    else if (Array.isArray(raw)) {
      for (const item of raw) {
        if (typeof item !== 'string') return SEVERAL;
        values.push(item);
      }
    } else if (raw !== undefined) return SEVERAL;
  }
  if (values.length === 0) return ABSENT;
  if (values.length > 1) return SEVERAL;
  const value = values[0]!.trim();
  if (value === '') return ABSENT;
  return value.includes(',') ? SEVERAL : { kind: 'one', value };
}

/** A signature header's one value, or why there is none to check ("X-Foo is missing"). */
export function signatureHeader(headers: unknown, name: string): { value: string } | { problem: string } {
  const header = readHeader(headers, name);
  if (header.kind === 'absent') return { problem: `${name} is missing` };
  if (header.kind === 'several') return { problem: `${name} came more than once` };
  return { value: header.value };
}
