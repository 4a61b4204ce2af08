import { createContext } from '@lit/context';
import type { Strings } from './strings.js';

/** What `<live-shop>` hands down to every part it renders: the resolved strings and the locale. */
export interface LocaleContext {
  strings: Strings;
  /** BCP 47 tag for prices and numbers, e.g. `de-DE`. */
  locale: string;
}

/** Provided by `<live-shop>`, consumed by every part (`LiveShopPart`). */
export const localeContext = createContext<LocaleContext>(Symbol('live-shop-locale'));
