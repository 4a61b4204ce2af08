import type { PosCount, PosProvider } from '../types.js';
import { opaqueId } from '../values/ids.js';
import { MAX_ON_HAND } from '../values/quantity.js';

export interface CsvLineError {
  /** 1-based line number in the file. */
  line: number;
  message: string;
}

export interface ParsedCountsCsv {
  counts: PosCount[];
  errors: CsvLineError[];
}

export const MAX_CSV_LINES = 100_000;
const HEADER = ['posItemId', 'posLocationId', 'onHand'];

/**
 * Reads a counts CSV (`posItemId,posLocationId,onHand`, the header line optional) into counts for
 * one provider. Every bad line is reported with its number and the good ones are kept, so a
 * merchant can fix a file in one pass: wrong field count, empty or over-long ids, an on-hand that is
 * not a whole number, the same item and location twice. Quoted fields (RFC 4180), CRLF, a UTF-8
 * BOM and blank lines are accepted.
 */
export function parseCountsCsv(text: string, provider: PosProvider): ParsedCountsCsv {
  const counts: PosCount[] = [];
  const errors: CsvLineError[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines.length > MAX_CSV_LINES + 1) {
    return { counts, errors: [{ line: MAX_CSV_LINES + 1, message: `more than ${MAX_CSV_LINES} lines` }] };
  }
  const firstLine = new Map<string, number>();
  for (const [index, raw] of lines.entries()) {
    const line = index + 1;
    if (raw.trim() === '') continue;
    const fields = splitCsvLine(raw);
    if (typeof fields !== 'string' && index === 0 && fields.map((field) => field.trim()).join() === HEADER.join())
      continue;
    const count = typeof fields === 'string' ? fields : countOfFields(fields, provider);
    if (typeof count === 'string') {
      errors.push({ line, message: count });
      continue;
    }
    const key = JSON.stringify([count.posItemId, count.posLocationId]);
    const seenAt = firstLine.get(key);
    if (seenAt !== undefined) {
      errors.push({
        line,
        message: `${count.posItemId} at ${count.posLocationId} was already counted on line ${seenAt}`,
      });
      continue;
    }
    firstLine.set(key, line);
    counts.push(count);
  }
  return { counts, errors };
}

/** One line's fields as a count, or what is wrong with them. */
function countOfFields(fields: string[], provider: PosProvider): PosCount | string {
  if (fields.length !== 3) return `expected 3 fields (posItemId,posLocationId,onHand), found ${fields.length}`;
  const [posItemId, posLocationId, onHandText] = fields.map((field) => field.trim()) as [string, string, string];
  if (!opaqueId.safeParse(posItemId).success) return 'posItemId must be 1–128 printable characters without spaces';
  if (!opaqueId.safeParse(posLocationId).success)
    return 'posLocationId must be 1–128 printable characters without spaces';
  if (!/^-?\d{1,10}$/.test(onHandText) || Math.abs(Number(onHandText)) > MAX_ON_HAND) {
    return `onHand "${onHandText.slice(0, 20)}" is not a whole number within ±${MAX_ON_HAND}`;
  }
  return { provider, posItemId, posLocationId, onHand: Number(onHandText) || 0 };
}

/** The fields of one CSV line, or why it cannot be read. */
function splitCsvLine(line: string): string[] | string {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') {
      if (field.trim() !== '') return 'a quote inside an unquoted field';
      quoted = true;
      field = '';
    } else if (char === ',') {
      fields.push(field);
      field = '';
    } else field += char;
  }
  if (quoted) return 'a quoted field is not closed';
  fields.push(field);
  return fields;
}
