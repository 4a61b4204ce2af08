import type { PosInventoryUpdate, PosProvider, PosSale, SkippedCount } from '../types.js';

/** What an HTTP framework hands over: the exact bytes received and the headers as Node parsed them. */
export interface RawWebhookRequest {
  rawBody: Buffer;
  headers: Record<string, string | string[] | undefined>;
}

/**
 * Why a delivery was not accepted, with the HTTP status the server answers:
 * - `bad_signature` (401): no signature, several, or one that does not verify. Nothing else was read.
 * - `too_large` (413): the body is over the adapter's byte limit.
 * - `malformed` (400): signed, but not the documented format (JSON, fields, bounds, headers).
 * - `ignored_topic` (200): signed and well-formed, but a topic or event type this adapter does not
 *   handle; answering 200 stops the POS from retrying.
 * - `not_applicable` (200): a handled topic that carries nothing for Liveshop (an online order, a
 *   failed payment).
 */
export const RefusalCode = {
  bad_signature: 'bad_signature',
  too_large: 'too_large',
  malformed: 'malformed',
  ignored_topic: 'ignored_topic',
  not_applicable: 'not_applicable',
} as const;
export type RefusalCode = (typeof RefusalCode)[keyof typeof RefusalCode];

const statusOf: Record<RefusalCode, 200 | 400 | 401 | 413> = {
  bad_signature: 401,
  too_large: 413,
  malformed: 400,
  ignored_topic: 200,
  not_applicable: 200,
};

export interface WebhookRefusal {
  ok: false;
  provider: PosProvider;
  code: RefusalCode;
  httpStatus: 200 | 400 | 401 | 413;
  reason: string;
  /** Known once the signature verified and the id could be read. */
  deliveryId?: string;
  topic?: string;
}

/** A verified delivery of on-hand counts. `updates` may be empty when every count was skipped. */
export interface InventoryDelivery {
  ok: true;
  kind: 'inventory';
  provider: PosProvider;
  topic: string;
  deliveryId: string;
  /** The sending shop or merchant when the POS names it (Shopify's shop domain, Square's merchant id). */
  account?: string;
  updates: PosInventoryUpdate[];
  skipped: SkippedCount[];
}

/** A verified delivery of one counter sale. */
export interface SaleDelivery {
  ok: true;
  kind: 'sale';
  provider: PosProvider;
  topic: string;
  deliveryId: string;
  account?: string;
  sale: PosSale;
}

export type WebhookResult = InventoryDelivery | SaleDelivery | WebhookRefusal;

/** A webhook adapter: verifies and normalises one delivery; never throws on what it receives. */
export interface WebhookAdapter {
  readonly provider: PosProvider;
  receive(request: RawWebhookRequest): WebhookResult;
}

export function refuse(
  provider: PosProvider,
  code: RefusalCode,
  reason: string,
  known: { deliveryId?: string; topic?: string } = {},
): WebhookRefusal {
  return { ok: false, provider, code, httpStatus: statusOf[code], reason, ...known };
}

/** What is known of a verified delivery before its body is read for its topic. */
export interface DeliveryContext {
  provider: PosProvider;
  topic: string;
  deliveryId: string;
  account?: string | undefined;
}

function known(context: DeliveryContext): Omit<DeliveryContext, 'account'> & { account?: string } {
  const { provider, topic, deliveryId, account } = context;
  return { provider, topic, deliveryId, ...(account ? { account } : {}) };
}

/** An inventory delivery with no counts yet. */
export function inventoryDelivery(context: DeliveryContext): InventoryDelivery {
  return { ok: true, kind: 'inventory', ...known(context), updates: [], skipped: [] };
}

/** A sale delivery; the sale takes the delivery's provider and id. */
export function saleDelivery(context: DeliveryContext, sale: Omit<PosSale, 'provider' | 'deliveryId'>): SaleDelivery {
  const { provider, deliveryId } = context;
  return { ok: true, kind: 'sale', ...known(context), sale: { provider, deliveryId, ...sale } };
}

/** A refusal of a verified delivery, naming its id and topic. */
export function refuseDelivery(context: DeliveryContext, code: RefusalCode, reason: string): WebhookRefusal {
  return refuse(context.provider, code, reason, { deliveryId: context.deliveryId, topic: context.topic });
}
