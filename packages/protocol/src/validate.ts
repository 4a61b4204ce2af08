import type { z } from 'zod';
import { ErrorCode, LiveshopError } from './errors.js';

/** Parses `input` with `schema`, or throws `INVALID_INPUT` naming each bad field (the first ten). */
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
