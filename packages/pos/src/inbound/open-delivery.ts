import type { z } from 'zod';
import type { PosProvider } from '../types.js';
import { DEFAULT_MAX_BYTES, parseJsonBody, type BodyLimits } from './json-body.js';
import { refuse, type RawWebhookRequest, type WebhookRefusal } from './result.js';

/** Checks a delivery's signature; answers why it fails, or undefined when it verifies. */
export type SignatureCheck = (rawBody: Buffer, headers: RawWebhookRequest['headers']) => string | undefined;

export type OpenedDelivery = { ok: true; body: unknown; headers: RawWebhookRequest['headers'] } | WebhookRefusal;

/**
 * The steps every adapter takes, in an order that makes a forged delivery cheap: the byte limit,
 * then the signature over the raw bytes, and only then the JSON parse.
 */
export function openDelivery(
  provider: PosProvider,
  request: RawWebhookRequest,
  limits: BodyLimits,
  checkSignature: SignatureCheck,
): OpenedDelivery {
  const rawBody: unknown = request?.rawBody;
  const headers = request?.headers ?? {};
  if (!Buffer.isBuffer(rawBody)) return refuse(provider, 'malformed', 'the raw body bytes are required');
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  if (rawBody.length > maxBytes) return refuse(provider, 'too_large', `body is over ${maxBytes} bytes`);
  const signatureProblem = checkSignature(rawBody, headers);
  if (signatureProblem !== undefined) return refuse(provider, 'bad_signature', signatureProblem);
  const parsed = parseJsonBody(rawBody, limits.maxDepth);
  if (!parsed.ok) return refuse(provider, 'malformed', parsed.reason);
  return { ok: true, body: parsed.value, headers };
}

/** The first few problems zod found, as "path: message". */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`)
    .join('; ');
}
