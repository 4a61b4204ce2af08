import type { Ack, ChatMessage } from '@liveshop/protocol';
import { CHAT_MAX_LENGTH as PROTOCOL_CHAT_MAX_LENGTH } from '@liveshop/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import { ChatSendRequestEvent } from '../events/requests.js';
import { mount, until } from '../test-support/fixtures.js';
import { CHAT_MAX_LENGTH } from './chat.js';
import type { LiveShopChat } from './chat.js';

const message = (id: string, text: string, role: ChatMessage['role'] = 'shopper'): ChatMessage => ({
  id,
  eventId: 'demo',
  author: role === 'host' ? 'Host' : 'Ana',
  text,
  at: 0,
  role,
});

async function chat(props: Partial<LiveShopChat> = {}) {
  return mount(Object.assign(document.createElement('live-shop-chat'), props));
}
const q = <E extends Element = HTMLElement>(el: LiveShopChat, selector: string) =>
  el.shadowRoot!.querySelector<E>(selector)!;

/** Answers every send request with `ack`, recording the texts. */
function answer(el: LiveShopChat, ack: Ack<{ message: ChatMessage }>) {
  const texts: string[] = [];
  el.addEventListener(ChatSendRequestEvent.eventName, (event) => {
    const request = event as ChatSendRequestEvent;
    texts.push(request.text);
    request.result = Promise.resolve(ack);
  });
  return texts;
}

afterEach(() => document.body.replaceChildren());

describe('<live-shop-chat>', () => {
  it('is accessible: a labelled log, a labelled field and a send button', async () => {
    const el = await chat();
    expect(q(el, 'ol').getAttribute('role')).toBe('log');
    expect(q(el, 'label').textContent).toBe('Chat message');
    expect(q(el, 'label').getAttribute('for')).toBe('message');
    expect(q(el, 'input').id).toBe('message');
    expect(q(el, '[part=send-button]').textContent?.trim()).toBe('Send');
  });

  it('shows messages as text, never as markup', async () => {
    const el = await chat({
      messages: [message('1', '<img src=x onerror="window.pwned=1">hi'), message('2', 'Welcome!', 'host')],
    });
    const items = el.shadowRoot!.querySelectorAll('li');
    expect(items[0]!.querySelector('.text')!.textContent).toBe('<img src=x onerror="window.pwned=1">hi');
    expect(el.shadowRoot!.querySelector('li img')).toBeNull();
    expect(items[1]!.className).toBe('staff');
  });

  it('invites the first message when empty', async () => {
    const el = await chat();
    expect(q(el, '.empty').textContent).toBe('No messages yet. Say hello!');
  });

  it('sends the trimmed text on Enter and clears the field once accepted', async () => {
    const el = await chat();
    const texts = answer(el, { ok: true, message: message('3', 'hello') });
    await userEvent.type(q(el, 'input'), '  hello  {Enter}');
    await until(() => q<HTMLInputElement>(el, 'input').value === '', 'cleared');
    expect(texts).toEqual(['hello']);
  });

  it('keeps the text and shows the reason when the server refuses', async () => {
    const el = await chat();
    answer(el, { ok: false, error: { code: 'RATE_LIMITED', message: 'slow down' } });
    await userEvent.type(q(el, 'input'), 'spam');
    await userEvent.click(q(el, '[part=send-button]'));
    await until(() => el.shadowRoot!.querySelector('.error') !== null, 'error');
    expect(q(el, '.error').textContent).toBe('Too many tries. Please wait a moment.');
    expect(q(el, '.error').getAttribute('role')).toBe('alert');
    expect(q<HTMLInputElement>(el, 'input').value).toBe('spam');
  });

  it('does not send blank messages, and is disabled offline', async () => {
    const el = await chat();
    const texts = answer(el, { ok: true, message: message('4', 'x') });
    await userEvent.type(q(el, 'input'), '   {Enter}');
    expect(texts).toEqual([]);
    el.disabled = true;
    await el.updateComplete;
    expect(q<HTMLInputElement>(el, 'input').disabled).toBe(true);
    expect(q<HTMLButtonElement>(el, '[part=send-button]').disabled).toBe(true);
  });

  it('keeps the newest message in view once shown, and leaves the list alone while hidden', async () => {
    const messages = Array.from({ length: 40 }, (_, i) => message(`m${i}`, `message ${i}`));
    const el = await chat({ active: false, messages });
    el.style.height = '200px';
    const list = q(el, 'ol');
    await el.updateComplete;
    expect(list.scrollTop).toBe(0);
    el.active = true;
    await el.updateComplete;
    expect(list.scrollTop).toBeGreaterThan(0);
    expect(list.scrollTop + list.clientHeight).toBeGreaterThanOrEqual(list.scrollHeight - 1);
  });

  it('limits the field to the server limit', async () => {
    const el = await chat();
    expect(CHAT_MAX_LENGTH).toBe(PROTOCOL_CHAT_MAX_LENGTH);
    expect(q<HTMLInputElement>(el, 'input').maxLength).toBe(CHAT_MAX_LENGTH);
  });
});
