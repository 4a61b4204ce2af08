import { LiveshopError, parseInput, type ErrorBody } from '@liveshop/protocol';
import type { z } from 'zod';

/** What every state-changing store method resolves to: a result or a wire error, never a throw for bad input. */
export type InventoryResult<T extends object> = ({ ok: true } & T) | { ok: false; error: ErrorBody };

type Parsed<T> = { ok: true; value: T } | { ok: false; error: ErrorBody };

/** Validates with a protocol schema; `INVALID_INPUT` comes back as a value so callers can return it. */
export function validate<S extends z.ZodType>(schema: S, input: unknown): Parsed<z.output<S>> {
  try {
    return { ok: true, value: parseInput(schema, input) };
  } catch (error) {
    if (error instanceof LiveshopError) return { ok: false, error: error.toBody() };
    throw error;
  }
}
