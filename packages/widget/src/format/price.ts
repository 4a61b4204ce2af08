const formatters = new Map<string, Intl.NumberFormat>();

/** Formats minor units (cents) in the product's currency for the shopper's locale; formatters are cached. */
export function formatPrice(priceCents: number, currency: string, locale?: string): string {
  const key = `${locale ?? ''}|${currency}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, { style: 'currency', currency });
    formatters.set(key, formatter);
  }
  const digits = formatter.resolvedOptions().maximumFractionDigits ?? 2;
  return formatter.format(priceCents / 10 ** digits);
}
