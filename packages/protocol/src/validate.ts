import type { z } from 'zod';
import { ErrorCode, LiveshopError } from './errors.js';

/**
 * Parses `input` with `schema`, or throws `INVALID_INPUT` naming each bad field.
 * Non-plain objects (class instances, objects with a poisoned prototype) are refused first.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 10).map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
  const first = issues[0];
  throw new LiveshopError(ErrorCode.INVALID_INPUT, first ? `${first.path}: ${first.message}` : 'invalid input', issues);
}
