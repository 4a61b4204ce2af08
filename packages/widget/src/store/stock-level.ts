/** How a product's stock reads to a shopper. */
export type StockLevel = 'in' | 'low' | 'out';

/** Default of the `low-stock-threshold` attribute: at or below it a card says "Only N left". */
export const DEFAULT_LOW_STOCK_THRESHOLD = 5;

export function stockLevel(available: number, threshold: number): StockLevel {
  if (available <= 0) return 'out';
  return available <= threshold ? 'low' : 'in';
}
