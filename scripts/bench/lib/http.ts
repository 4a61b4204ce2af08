/**
 * A JSON request to a bench's server, as the admin when `adminKey` is given: the parsed answer
 * (`{}` when empty), or an error naming the request and the status for anything but 2xx.
 */
export async function http(
  method: string,
  url: string,
  body?: unknown,
  adminKey?: string,
): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', ...(adminKey && { authorization: `Bearer ${adminKey}` }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url} → ${response.status} ${text.slice(0, 300)}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}
