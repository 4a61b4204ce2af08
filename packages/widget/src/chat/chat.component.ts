import type { Ack, ChatMessage, ErrorCode } from '@liveshop/protocol';
import { html, nothing, type PropertyValues } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { LiveShopPart } from '../base/live-shop-part.js';
import { sharedStyles } from '../base/shared.styles.js';
import { ChatSendRequestEvent } from '../events/requests.js';
import { chatStyles } from './chat.styles.js';

/**
 * The server's limit (`CHAT_MAX_LENGTH` in `@liveshop/protocol`), repeated here because importing
 * a value from the protocol package would bundle its schema library into the widget.
 */
export const CHAT_MAX_LENGTH = 500;

/**
 * @summary The event's chat: recent messages and a form to send one.
 *
 * Message text is bound as text, never as HTML, so nothing a shopper types can run in the page.
 * Sending fires a request `<live-shop>` answers with the server's ack; the field clears only once
 * the server accepted the message, and a refusal (too fast, too long, offline) shows its message.
 * The log does not announce each message, so stock announcements are not drowned out.
 *
 * @csspart base - The chat panel.
 * @csspart messages - The message list.
 * @csspart input - The message field.
 * @csspart send-button - The send button.
 */
export class LiveShopChat extends LiveShopPart {
  static override styles = [sharedStyles, chatStyles];
  static override properties = {
    ...LiveShopPart.properties,
    messages: { attribute: false },
    disabled: { type: Boolean },
    active: { type: Boolean },
    sending: { state: true },
    error: { state: true },
  };

  /** Messages, oldest first. */
  declare messages: ChatMessage[];
  /** Sending is off (offline, or the show has not joined yet). */
  declare disabled: boolean;
  /**
   * The chat is on screen. Only then does it scroll the newest message into view (on new messages,
   * and when it is shown), so a hidden chat never forces a layout while the rest of the widget renders.
   */
  declare active: boolean;
  declare sending: boolean;
  declare error: ErrorCode | null;

  constructor() {
    super();
    this.messages = [];
    this.disabled = false;
    this.active = true;
    this.sending = false;
    this.error = null;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (this.active && (changed.has('messages') || changed.has('active'))) {
      const list = this.renderRoot.querySelector('ol');
      if (list) list.scrollTop = list.scrollHeight;
    }
  }

  override render() {
    const s = this.strings;
    return html`<section class="base" part="base" aria-label=${s.chat}>
      <ol part="messages" role="log" aria-live="off" aria-label=${s.chat}>
        ${this.messages.length === 0 ? html`<li class="empty">${s.chatEmpty}</li>` : nothing}
        ${repeat(
          this.messages,
          (m) => m.id,
          (m) =>
            html`<li class=${m.role === 'shopper' ? 'shopper' : 'staff'}>
              <span class="author">${m.author}</span><span class="text">${m.text}</span>
            </li>`,
        )}
      </ol>
      ${this.error ? html`<p class="error" role="alert">${s.errors[this.error]}</p>` : nothing}
      <form @submit=${this.onSubmit}>
        <label class="visually-hidden" for="message">${s.chatLabel}</label>
        <input
          id="message"
          part="input"
          name="message"
          autocomplete="off"
          maxlength=${CHAT_MAX_LENGTH}
          placeholder=${s.chatPlaceholder}
          ?disabled=${this.disabled}
        />
        <button class="button" part="send-button" type="submit" ?disabled=${this.disabled || this.sending}>
          ${s.send}
        </button>
      </form>
    </section>`;
  }

  private onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    const input = this.renderRoot.querySelector('input');
    const text = input?.value.trim() ?? '';
    if (!input || !text || this.sending) return;
    const request = this.emit(new ChatSendRequestEvent(text));
    if (!request.result) return;
    this.sending = true;
    const ack: Ack = await request.result;
    this.sending = false;
    this.error = ack.ok ? null : ack.error.code;
    if (ack.ok) input.value = '';
    input.focus();
  };
}
