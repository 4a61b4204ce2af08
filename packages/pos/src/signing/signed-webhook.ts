/** A webhook ready to send: the exact body bytes that were signed and the headers that carry it. */
export interface SignedWebhook {
  body: string;
  headers: Record<string, string>;
}
