/** A Shopify numeric id (or an id already in GID form) as the GraphQL Admin API's GID. */
export function shopifyGid(type: 'InventoryItem' | 'Location', id: string): string {
  return id.startsWith('gid://') ? id : `gid://shopify/${type}/${id}`;
}

/** The numeric id inside a GID ("gid://shopify/Location/24826418" → "24826418"), as webhooks carry it. */
export function numericIdOfGid(gid: string): string {
  const match = /^gid:\/\/shopify\/\w+\/(\d+)(?:\?.*)?$/.exec(gid);
  return match ? match[1]! : gid;
}
