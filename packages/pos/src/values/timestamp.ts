import { z } from 'zod';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * Epoch milliseconds of an RFC 3339 timestamp with an explicit offset, as Shopify ("2021-12-31T19:00:00-05:00")
 * and Square ("2019-10-29T18:38:45.455006797Z", nanoseconds) send them; fractions beyond
 * milliseconds are truncated. Dates that do not exist (February 30th) are refused (`undefined`).
 */
export function epochMsOfRfc3339(text: string): number | undefined {
  const match = RFC3339.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction = '', zulu, sign, offsetHours, offsetMinutes] = match;
  const fields = [year, month, day, hour, minute, second].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const [y, mo, d, h, mi, s] = fields;
  const utc = Date.UTC(y, mo - 1, d, h, mi, s, Number(fraction.padEnd(3, '0').slice(0, 3)));
  const check = new Date(utc);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return undefined;
  if (h > 23 || mi > 59 || s > 59 || y < 1970) return undefined;
  if (zulu) return utc;
  const offset = (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000;
  if (Number(offsetHours) > 23 || Number(offsetMinutes) > 59) return undefined;
  return sign === '+' ? utc - offset : utc + offset;
}

/** An RFC 3339 timestamp string, read as epoch milliseconds. */
export const rfc3339 = z.string().transform((text, context) => {
  const ms = epochMsOfRfc3339(text);
  if (ms === undefined) {
    context.addIssue({ code: 'custom', message: `"${text.slice(0, 40)}" is not an RFC 3339 timestamp` });
    return z.NEVER;
  }
  return ms;
});
