import { ContextConsumer } from '@lit/context';
import { localeContext, type LocaleContext } from '../i18n/locale-context.js';
import { LiveShopElement } from './live-shop-element.js';

/**
 * A part of `<live-shop>` (card, chat, player…). Inside a `<live-shop>` it takes its strings and
 * locale from the widget through `@lit/context`; on its own it keeps English and whatever
 * `strings` and `locale` are set on it.
 */
export class LiveShopPart extends LiveShopElement {
  static override properties = {
    ...LiveShopElement.properties,
    locale: {},
  };

  /** Locale for prices and numbers; the enclosing `<live-shop>`'s, else the page's language when empty. */
  declare locale: string;

  constructor() {
    super();
    this.locale = '';
    new ContextConsumer(this, {
      context: localeContext,
      subscribe: true,
      callback: (value: LocaleContext) => {
        this.strings = value.strings;
        this.locale = value.locale;
      },
    });
  }
}
