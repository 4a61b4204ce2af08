/**
 * The base every server path resolves against: the Liveshop server's origin from the widget's
 * `server` attribute, or the page's own origin when that is empty (the server then is the page's)
 * or no URL at all (then nothing connects either, and the widget says it is offline).
 */
export function serverBaseUrl(server: string): URL {
  try {
    return new URL(server || '/', document.baseURI);
  } catch {
    return new URL('/', document.baseURI);
  }
}

/** A field of the wire contract that holds a URL: its name ends in `Url` (`streamUrl`, `imageUrl`, …). */
const isUrlField = (key: string) => key.endsWith('Url');

/**
 * Returns a copy of `value` in which every string field named `…Url`, at any depth, is absolute:
 * a path such as `/img/tee.svg` becomes `https://live.example.com/img/tee.svg`. The server sends
 * paths as it was given them; only the widget knows where the shopper's browser reached the
 * server, and the page around it is on another origin. A value that is no URL at all (or empty) is
 * dropped,
 * so nothing renders a broken image or a player that can never load.
 */
export function resolveServerUrls<T>(value: T, base: URL): T {
  if (Array.isArray(value)) return value.map((item: unknown) => resolveServerUrls(item, base)) as T;
  if (value === null || typeof value !== 'object') return value;
  const resolved: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (isUrlField(key) && typeof field === 'string') {
      const url = absoluteUrl(field, base);
      if (url !== undefined) resolved[key] = url;
    } else {
      resolved[key] = resolveServerUrls(field, base);
    }
  }
  return resolved as T;
}

function absoluteUrl(value: string, base: URL): string | undefined {
  if (!value) return undefined;
  try {
    return new URL(value, base).href;
  } catch {
    return undefined;
  }
}
