interface PriceFormat {
  formatter: Intl.NumberFormat;
  /** Minor units per major unit: 100 for USD, 1 for JPY, 1000 for KWD. */
  scale: number;
}

const formats = new Map<string, PriceFormat>();

function priceFormat(currency: string, locale?: string): PriceFormat {
  const key = `${locale ?? ''}|${currency}`;
  let format = formats.get(key);
  if (!format) {
    const formatter = new Intl.NumberFormat(locale, { style: 'currency', currency });
    format = { formatter, scale: 10 ** (formatter.resolvedOptions().maximumFractionDigits ?? 2) };
    formats.set(key, format);
  }
  return format;
}

/** Formats minor units (cents) in the product's currency for the shopper's locale; formatters are cached. */
export function formatPrice(priceCents: number, currency: string, locale?: string): string {
  const { formatter, scale } = priceFormat(currency, locale);
  return formatter.format(priceCents / scale);
}

/**
 * Creates a currency formatter for `locale` ahead of the first price. The first `Intl.NumberFormat`
 * of a page loads the browser's number-format data, 10–60 ms of main thread in Chromium; done
 * while the widget waits for the server, it no longer delays the first product card. Formatters
 * for other currencies of the same locale are cheap afterwards.
 */
export function preparePriceFormat(locale?: string): void {
  priceFormat('USD', locale);
}
