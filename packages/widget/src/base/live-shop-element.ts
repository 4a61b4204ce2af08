import { LitElement } from 'lit';
import type { LiveShopEventMap } from '../events/events.js';
import type { RequestEventMap } from '../events/requests.js';
import { en, type Strings } from '../i18n/strings.js';

type WidgetEvent = LiveShopEventMap[keyof LiveShopEventMap] | RequestEventMap[keyof RequestEventMap];

/**
 * The base of every Liveshop element: a typed `emit()` that only accepts the widget's own event
 * classes, and the `strings` every element renders its text from.
 */
export class LiveShopElement extends LitElement {
  static override properties = {
    strings: { attribute: false },
  };

  /** The resolved translation table; inside `<live-shop>` the parts receive the widget's through context. */
  declare strings: Strings;

  constructor() {
    super();
    this.strings = en;
  }

  /** Dispatches one of the widget's events from this element; returns the event so callers can read `defaultPrevented`. */
  protected emit<E extends WidgetEvent>(event: E): E {
    this.dispatchEvent(event);
    return event;
  }
}
