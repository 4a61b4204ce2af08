import type { ProductView } from '@liveshop/protocol';
import type { Strings } from '../i18n/strings.js';
import type { StockChange } from '../store/shop-state.js';
import { stockLevel } from '../store/stock-level.js';

/**
 * The sentence a screen reader should hear for one stock change, or null when the change is not
 * worth interrupting for. Meaningful: a product sells out, comes back, or drops into the low band
 * ("only 3 left"); within the low band, further drops only for products the host is presenting.
 */
export function announcementFor(
  change: StockChange,
  product: ProductView,
  threshold: number,
  pinned: boolean,
  strings: Strings,
): string | null {
  const before = stockLevel(change.before, threshold);
  const after = stockLevel(change.after, threshold);
  if (after === 'out') return before === 'out' ? null : strings.announceSoldOut(product.title);
  if (before === 'out') return strings.backInStock(product.title);
  if (after === 'low' && (before === 'in' || (pinned && change.after < change.before))) {
    return strings.announceOnlyLeft(product.title, change.after);
  }
  return null;
}
