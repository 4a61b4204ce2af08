import type { PickupLocation } from '@liveshop/protocol';

/**
 * The pickup locations that can still supply `sku` in `eventId`: the server's public
 * `GET /api/events/:id/locations?sku=` (`{ eventId, sku, locations }`), resolved against `base` (the widget's `server`, like every
 * other server URL). Entries without an id and a name are left out; `address` is text. Throws when the server cannot be reached or
 * answers with an error.
 */
export async function fetchPickupLocations(
  base: URL,
  eventId: string,
  sku: string,
  signal?: AbortSignal,
): Promise<PickupLocation[]> {
  const url = new URL(`api/events/${encodeURIComponent(eventId)}/locations`, base);
  url.searchParams.set('sku', sku);
  const response = await fetch(url, { signal, headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`locations: HTTP ${response.status}`);
  const body: unknown = await response.json();
  const list = isRecord(body) && Array.isArray(body.locations) ? body.locations : [];
  return list.flatMap((entry: unknown): PickupLocation[] => {
    if (!isRecord(entry) || typeof entry.id !== 'string' || typeof entry.name !== 'string') return [];
    const available = typeof entry.available === 'number' ? entry.available : 0;
    return [{ id: entry.id, name: entry.name, address: addressText(entry.address) ?? '', available }];
  });
}

const addressText = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
