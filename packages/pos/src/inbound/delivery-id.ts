import { opaqueId } from '../values/ids.js';

/** Whether a delivery id is usable as a dedupe key: 1–128 printable ASCII characters. */
export function isDeliveryId(value: string): boolean {
  return opaqueId.safeParse(value).success;
}
