import type { ErrorCode } from '@liveshop/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { userEvent } from 'vitest/browser';
import type {
  LiveShopCheckoutEvent,
  LiveShopHoldEvent,
  LiveShopHoldReleasedEvent,
  LiveShopSoldOutEvent,
} from '../events/events.js';
import { en } from '../i18n/strings.js';
import type { LiveShopProductCard } from '../product-card/product-card.js';
import { FakeClient } from '../test-support/fake-client.js';
import { joinAck, product, until } from '../test-support/fixtures.js';
import './live-shop.js';
import type { LiveShop } from './live-shop.js';

async function widget(client = new FakeClient(joinAck()), width = 1000) {
  const el = document.createElement('live-shop');
  el.client = client;
  el.event = 'demo';
  el.locale = 'en-US';
  el.style.width = `${width}px`;
  document.body.append(el);
  await el.updateComplete;
  return { el, client };
}
const root = (el: LiveShop) => el.shadowRoot!;
const cards = (el: LiveShop) => [...root(el).querySelectorAll<LiveShopProductCard>('.products live-shop-product-card')];
const card = (el: LiveShop, sku: string) => cards(el).find((c) => c.product?.sku === sku)!;
const inCard = <E extends Element = HTMLElement>(c: LiveShopProductCard, selector: string) =>
  c.shadowRoot!.querySelector<E>(selector)!;
const announcer = (el: LiveShop) => root(el).querySelector('[part=announcer]')!;
async function settle(el: LiveShop) {
  await el.updateComplete;
  await Promise.all(cards(el).map((c) => c.updateComplete));
}
function collect<E extends Event>(name: string) {
  const seen: E[] = [];
  document.addEventListener(name, (e) => seen.push(e as E));
  return seen;
}

afterEach(() => document.body.replaceChildren());

describe('<live-shop>', () => {
  it('is accessible: a named region, tabs wired to panels, one polite live region', async () => {
    const { el } = await widget();
    const region = root(el).querySelector('[part=base]')!;
    expect(region.getAttribute('role')).toBe('region');
    expect(region.getAttribute('aria-label')).toBe('Live shopping: Spring Drop');
    const tabs = [...root(el).querySelectorAll('[role=tab]')];
    expect(tabs.map((t) => t.getAttribute('aria-controls'))).toEqual(['panel-shop', 'panel-chat']);
    expect(tabs.map((t) => t.getAttribute('aria-selected'))).toEqual(['true', 'false']);
    for (const tab of tabs) {
      const panel = root(el).getElementById(tab.getAttribute('aria-controls')!)!;
      expect(panel.getAttribute('role')).toBe('tabpanel');
      expect(panel.getAttribute('aria-labelledby')).toBe(tab.id);
    }
    const live = root(el).querySelectorAll('[aria-live=polite]');
    expect(live).toHaveLength(1);
    expect(live[0]!.getAttribute('role')).toBe('status');
  });

  it('renders a card per product with live stock, and the pinned ones over the video', async () => {
    const { el } = await widget();
    await settle(el);
    expect(cards(el).map((c) => inCard(c, '[part=stock]').textContent)).toEqual([
      'In stock',
      'Only 3 left',
      'Sold out',
    ]);
    expect(inCard<HTMLButtonElement>(card(el, 'lamp'), '[part=buy-button]').disabled).toBe(true);
    const overlay = root(el).querySelector('live-shop-pinned-overlay')!;
    await overlay.updateComplete;
    const pinned = [...overlay.shadowRoot!.querySelectorAll('live-shop-product-card')];
    expect(pinned.map((c) => c.product?.sku)).toEqual(['scarf']);
    expect(card(el, 'scarf').pinned).toBe(true);
    expect(root(el).querySelector('.count')!.textContent).toBe('3');
  });

  it('applies newer stock and ignores a stale update', async () => {
    const { el, client } = await widget();
    client.state.applyStock([{ sku: 'mug', available: 4, version: 2 }]);
    await settle(el);
    expect(inCard(card(el, 'mug'), '[part=stock]').textContent).toBe('Only 4 left');
    client.state.applyStock([{ sku: 'mug', available: 30, version: 1 }]);
    await settle(el);
    expect(inCard(card(el, 'mug'), '[part=stock]').textContent).toBe('Only 4 left');
  });

  it('on sell-out disables Buy Now, announces "sold out" politely and fires live-shop-sold-out once', async () => {
    const { el, client } = await widget();
    const soldOut = collect<LiveShopSoldOutEvent>('live-shop-sold-out');
    client.state.applyStock([{ sku: 'scarf', available: 0, version: 5 }]);
    client.state.applyStock([{ sku: 'scarf', available: 0, version: 6 }]);
    await settle(el);
    expect(inCard<HTMLButtonElement>(card(el, 'scarf'), '[part=buy-button]').disabled).toBe(true);
    expect(inCard(card(el, 'scarf'), '[part=stock]').textContent).toBe('Sold out');
    expect(announcer(el).textContent?.trim()).toBe('Wool Scarf is sold out');
    expect(soldOut.map((e) => e.detail)).toEqual([{ eventId: 'demo', sku: 'scarf', title: 'Wool Scarf' }]);
    expect(soldOut[0]!.bubbles && soldOut[0]!.composed).toBe(true);
  });

  it('announces only meaningful changes', async () => {
    const { el, client } = await widget();
    client.state.applyStock([{ sku: 'mug', available: 12, version: 2 }]);
    await settle(el);
    expect(announcer(el).textContent?.trim()).toBe('');
    client.state.applyStock([{ sku: 'mug', available: 3, version: 3 }]);
    await settle(el);
    expect(announcer(el).textContent?.trim()).toBe('Stoneware Mug: only 3 left');
    // Pinned product dropping within the low band is worth hearing; an unpinned one is not.
    client.state.applyStock([
      { sku: 'mug', available: 2, version: 4 },
      { sku: 'scarf', available: 2, version: 5 },
    ]);
    await settle(el);
    expect(announcer(el).textContent?.trim()).toBe('Wool Scarf: only 2 left');
    client.state.applyStock([{ sku: 'lamp', available: 10, version: 10 }]);
    await settle(el);
    expect(announcer(el).textContent?.trim()).toBe('Brass Lamp is back in stock');
  });

  it('Buy Now reserves, shows the hold with a countdown and fires live-shop-hold with its detail', async () => {
    const { el, client } = await widget();
    const holds = collect<LiveShopHoldEvent>('live-shop-hold');
    await settle(el);
    await userEvent.click(inCard(card(el, 'mug'), '[part=buy-button]'));
    await until(() => holds.length === 1, 'hold event');
    expect(client.calls.filter((c) => c.method === 'reserve')).toEqual([{ method: 'reserve', args: ['mug', 1] }]);
    expect(holds[0]!.detail).toEqual({
      eventId: 'demo',
      sku: 'mug',
      qty: 1,
      holdId: 'h1~mug',
      expiresAt: expect.any(Number),
    });
    const panel = root(el).querySelector('live-shop-hold-panel')!;
    await panel.updateComplete;
    expect(panel.shadowRoot!.querySelector('[part=countdown]')!.textContent?.trim()).toMatch(/^Held for [45]:\d\d$/);
    expect(announcer(el).textContent?.trim()).toBe('Stoneware Mug is reserved for you');
  });

  it('restores holds from the join ack with their countdown, as after a page reload', async () => {
    const holds = collect<LiveShopHoldEvent>('live-shop-hold');
    const serverTime = Date.now() + 30_000;
    const restored = { id: 'h7~scarf', sku: 'scarf', qty: 1, expiresAt: serverTime + 200_000 };
    // The device clock is 30 s behind the server; the countdown still reads the server's 3:20.
    const { el } = await widget(new FakeClient(joinAck({ serverTime, holds: [restored] })));
    const panel = root(el).querySelector('live-shop-hold-panel')!;
    await panel.updateComplete;
    expect(panel.shadowRoot!.querySelector('[part=hold] .title')!.textContent).toBe('Wool Scarf');
    expect(panel.shadowRoot!.querySelector('[part=countdown]')!.textContent?.trim()).toMatch(/^Held for 3:(20|19)$/);
    expect(holds.map((e) => e.detail)).toEqual([
      { eventId: 'demo', sku: 'scarf', qty: 1, holdId: 'h7~scarf', expiresAt: restored.expiresAt, restored: true },
    ]);
  });

  it("starts a new hold's countdown at the event's hold time even when the clock estimate runs early", async () => {
    const client = new FakeClient(joinAck());
    // The server's expiry reads 5:03 on this device: the measured offset came out 3 s short.
    client.onReserve = ({ sku }) => ({
      ok: true,
      hold: { id: `h3~${sku}`, sku: sku!, qty: 1, expiresAt: Date.now() + 303_000 },
      available: 1,
    });
    const { el } = await widget(client);
    await settle(el);
    await userEvent.click(inCard(card(el, 'mug'), '[part=buy-button]'));
    const panel = root(el).querySelector('live-shop-hold-panel')!;
    await until(() => panel.shadowRoot!.querySelector('[part=countdown]') !== null, 'hold panel');
    expect(panel.shadowRoot!.querySelector('[part=countdown]')!.textContent?.trim()).toBe('Held for 5:00');
  });

  it('a double tap reserves once', async () => {
    const client = new FakeClient(joinAck());
    let answer!: () => void;
    const base = client.onReserve;
    client.onReserve = (call) => new Promise((resolve) => (answer = () => resolve(base(call))));
    const { el } = await widget(client);
    await settle(el);
    const button = inCard<HTMLButtonElement>(card(el, 'mug'), '[part=buy-button]');
    button.click();
    button.click();
    await settle(el);
    expect(button.disabled).toBe(true);
    button.click();
    answer();
    await until(() => client.state.holds.length === 1, 'hold');
    expect(client.calls.filter((c) => c.method === 'reserve')).toHaveLength(1);
  });

  it.each(['SOLD_OUT', 'LIMIT_EXCEEDED', 'RATE_LIMITED', 'EVENT_NOT_LIVE', 'UNAVAILABLE'] as ErrorCode[])(
    'shows a clear message when Buy Now fails with %s',
    async (code) => {
      const client = new FakeClient(joinAck());
      client.onReserve = () => ({ ok: false, error: { code, message: 'server text' } });
      const { el } = await widget(client);
      await settle(el);
      await userEvent.click(inCard(card(el, 'mug'), '[part=buy-button]'));
      await until(() => client.state.notices.get('mug') === code, 'notice');
      await settle(el);
      expect(inCard(card(el, 'mug'), '[part=notice]').textContent).toBe(en.errors[code]);
      expect(client.state.holds).toEqual([]);
    },
  );

  it('Release gives the hold back and fires live-shop-hold-released', async () => {
    const { el, client } = await widget();
    const released = collect<LiveShopHoldReleasedEvent>('live-shop-hold-released');
    await settle(el);
    await userEvent.click(inCard(card(el, 'mug'), '[part=buy-button]'));
    const panel = root(el).querySelector('live-shop-hold-panel')!;
    await until(() => panel.shadowRoot!.querySelector('[part=release-button]') !== null, 'hold panel');
    await userEvent.click(panel.shadowRoot!.querySelector('[part=release-button]')!);
    await until(() => released.length === 1, 'released');
    expect(released[0]!.detail).toMatchObject({ holdId: 'h1~mug', sku: 'mug', reason: 'released' });
    expect(client.calls.at(-1)).toEqual({ method: 'release', args: ['h1~mug'] });
    expect(client.state.holds).toEqual([]);
  });

  it('drops a hold when it expires on the server clock', async () => {
    const client = new FakeClient(joinAck());
    client.onReserve = ({ sku }) => ({
      ok: true,
      hold: { id: 'h2~mug', sku: sku!, qty: 1, expiresAt: Date.now() + 150 },
      available: 1,
    });
    const { el } = await widget(client);
    const released = collect<LiveShopHoldReleasedEvent>('live-shop-hold-released');
    await settle(el);
    await userEvent.click(inCard(card(el, 'mug'), '[part=buy-button]'));
    await until(() => released.length === 1, 'expired', 3000);
    expect(released[0]!.detail.reason).toBe('expired');
    await el.updateComplete;
    expect(announcer(el).textContent?.trim()).toBe('Your hold on Stoneware Mug has expired');
  });

  it('Check out fires a cancelable live-shop-checkout with the hold', async () => {
    const { el } = await widget();
    const checkouts = collect<LiveShopCheckoutEvent>('live-shop-checkout');
    document.addEventListener('live-shop-checkout', (e) => e.preventDefault(), { once: true });
    await settle(el);
    await userEvent.click(inCard(card(el, 'mug'), '[part=buy-button]'));
    const panel = root(el).querySelector('live-shop-hold-panel')!;
    await until(() => panel.shadowRoot!.querySelector('[part=checkout-button]') !== null, 'hold panel');
    await userEvent.click(panel.shadowRoot!.querySelector('[part=checkout-button]')!);
    expect(checkouts).toHaveLength(1);
    expect(checkouts[0]!.cancelable).toBe(true);
    expect(checkouts[0]!.defaultPrevented).toBe(true);
    expect(checkouts[0]!.detail).toMatchObject({ holdId: 'h1~mug', sku: 'mug', qty: 1 });
  });

  it('keeps its internal requests inside: the page only sees the documented events', async () => {
    const { el } = await widget();
    const leaked = collect<Event>('ls-buy');
    await settle(el);
    await userEvent.click(inCard(card(el, 'mug'), '[part=buy-button]'));
    expect(leaked).toEqual([]);
  });

  it('shows the chat from the join ack to a late joiner and sends new messages', async () => {
    const client = new FakeClient(
      joinAck({ chat: [{ id: 'm1', eventId: 'demo', author: 'Host', text: 'Welcome in!', at: 0, role: 'host' }] }),
    );
    const { el } = await widget(client);
    const chatTab = root(el).querySelector<HTMLElement>('#tab-chat')!;
    root(el).querySelector<HTMLElement>('#tab-shop')!.focus();
    await userEvent.keyboard('{ArrowRight}');
    await el.updateComplete;
    expect(root(el).activeElement).toBe(chatTab);
    expect(chatTab.getAttribute('aria-selected')).toBe('true');
    expect(root(el).getElementById('panel-shop')!.hidden).toBe(true);
    const chat = root(el).querySelector('live-shop-chat')!;
    await chat.updateComplete;
    expect(chat.shadowRoot!.querySelector('li .text')!.textContent).toBe('Welcome in!');
    await userEvent.type(chat.shadowRoot!.querySelector('input')!, 'Love the scarf{Enter}');
    await until(() => client.state.chat.length === 2, 'sent');
    await chat.updateComplete;
    expect([...chat.shadowRoot!.querySelectorAll('li .text')].map((n) => n.textContent)).toEqual([
      'Welcome in!',
      'Love the scarf',
    ]);
  });

  it('shows when it is offline and disables chat meanwhile', async () => {
    const { el, client } = await widget();
    client.state.setConnection('offline');
    await el.updateComplete;
    expect(root(el).querySelector('[part=offline]')!.textContent).toBe('You are offline. Reconnecting…');
    expect(root(el).querySelector('live-shop-chat')!.disabled).toBe(true);
    client.state.setConnection('online');
    await el.updateComplete;
    expect(root(el).querySelector('[part=offline]')).toBeNull();
  });

  it('says when the event does not exist', async () => {
    const client = new FakeClient();
    const { el } = await widget(client);
    client.state.setJoinError('NOT_FOUND');
    await el.updateComplete;
    expect(root(el).querySelector('.message')!.textContent).toBe('This live show could not be found.');
  });

  it('opens product details from a card and returns focus to it on close', async () => {
    const { el } = await widget();
    await settle(el);
    const image = inCard<HTMLButtonElement>(card(el, 'scarf'), '[part=image]');
    await userEvent.click(image);
    const dialog = root(el).querySelector('live-shop-product-dialog')!;
    await until(() => dialog.open, 'dialog open');
    expect(dialog.shadowRoot!.querySelector('#title')!.textContent).toBe('Wool Scarf');
    await userEvent.keyboard('{Escape}');
    await until(() => !dialog.open, 'dialog closed');
    expect(card(el, 'scarf').shadowRoot!.activeElement).toBe(image);
  });

  it('themes through CSS custom properties', async () => {
    const { el } = await widget();
    el.style.setProperty('--live-shop-accent', 'rgb(1, 2, 3)');
    el.style.setProperty('--live-shop-radius', '3px');
    await settle(el);
    const buy = inCard(card(el, 'mug'), '[part=buy-button]');
    expect(getComputedStyle(buy).backgroundColor).toBe('rgb(1, 2, 3)');
    expect(getComputedStyle(root(el).querySelector('[part=base]')!).borderTopLeftRadius).toBe('3px');
  });

  it('has a height that follows from its width alone: 25:9 wide, 9:16 narrow', async () => {
    const wide = await widget(new FakeClient(joinAck()), 1000);
    expect(wide.el.getBoundingClientRect().height).toBeCloseTo(360, 0);
    const narrow = await widget(new FakeClient(joinAck()), 360);
    expect(narrow.el.getBoundingClientRect().height).toBeCloseTo(640, 0);
  });

  it("loads the stream, poster and images from its server, not from the page's origin", async () => {
    const client = new FakeClient(
      joinAck({
        event: {
          id: 'demo',
          title: 'Spring Drop',
          streamUrl: '/stream/index.m3u8',
          posterUrl: '/img/poster.svg',
          holdTtlSeconds: 300,
          status: 'live',
        },
        products: [product({ imageUrl: '/img/mug.svg' })],
      }),
    );
    const el = document.createElement('live-shop');
    Object.assign(el, { client, event: 'demo', server: 'http://127.0.0.1:9' });
    document.body.append(el);
    await settle(el);
    const player = root(el).querySelector('live-shop-player')!;
    await player.updateComplete;
    expect(player.src).toBe('http://127.0.0.1:9/stream/index.m3u8');
    expect(player.shadowRoot!.querySelector('.poster')!.getAttribute('src')).toBe('http://127.0.0.1:9/img/poster.svg');
    expect(inCard(card(el, 'mug'), 'img').getAttribute('src')).toBe('http://127.0.0.1:9/img/mug.svg');
    expect(el.state.product('mug')!.imageUrl).toBe('http://127.0.0.1:9/img/mug.svg');
    await userEvent.click(inCard(card(el, 'mug'), '[part=image]'));
    const dialog = root(el).querySelector('live-shop-product-dialog')!;
    await until(() => dialog.open, 'dialog open');
    expect(dialog.shadowRoot!.querySelector('img')!.getAttribute('src')).toBe('http://127.0.0.1:9/img/mug.svg');
    dialog.close();
  });

  it("keeps a poster attribute relative to the merchant's page: it is the page's own image", async () => {
    const { el } = await widget();
    el.poster = '/img/our-poster.jpg';
    el.server = 'http://127.0.0.1:9';
    await settle(el);
    const player = root(el).querySelector('live-shop-player')!;
    await player.updateComplete;
    expect(player.shadowRoot!.querySelector('.poster')!.getAttribute('src')).toBe('/img/our-poster.jpg');
  });

  for (const { stage, width } of [
    { stage: 'a phone', width: 390 },
    { stage: 'a desktop', width: 1200 },
  ]) {
    it(`on ${stage}, a long show title ends in an ellipsis clear of the unmute button`, async () => {
      const title = 'Spring Drop — live from the studio, with the whole design team and two surprise guests';
      const { el } = await widget(new FakeClient(joinAck({ event: { ...joinAck().event, title } })), width);
      await settle(el);
      const player = root(el).querySelector('live-shop-player')!;
      // The unmute button shows over a playing video.
      player.phase = 'playing';
      await player.updateComplete;
      const badge = root(el).querySelector<HTMLElement>('.live-badge')!;
      const text = badge.querySelector('span')!;
      const unmute = player.shadowRoot!.querySelector('[part=unmute]')!.getBoundingClientRect();
      expect(badge.getBoundingClientRect().right).toBeLessThanOrEqual(unmute.left - 8);
      // The title itself is what is clipped, so it is the one that draws the ellipsis.
      expect(text.scrollWidth).toBeGreaterThan(text.clientWidth);
      expect(getComputedStyle(text).textOverflow).toBe('ellipsis');
      expect(getComputedStyle(text).overflow).toBe('hidden');
      // The LIVE tag keeps its size.
      const live = badge.querySelector('strong')!;
      expect(live.scrollWidth).toBeLessThanOrEqual(live.clientWidth);
    });
  }

  it('hands its locale and strings to every part through context, and again when they change', async () => {
    const { el } = await widget();
    el.locale = 'de-DE';
    await settle(el);
    const overlay = root(el).querySelector('live-shop-pinned-overlay')!;
    await overlay.updateComplete;
    const pinnedCard = overlay.shadowRoot!.querySelector('live-shop-product-card')!;
    await pinnedCard.updateComplete;
    const chat = root(el).querySelector('live-shop-chat')!;
    await chat.updateComplete;
    const price = (c: LiveShopProductCard) => inCard(c, '[part=price]').textContent!.replace(/\s/g, ' ');
    // The German table and German number format, in the list, over the video and in the chat.
    expect(inCard(card(el, 'mug'), '[part=stock]').textContent).toBe('Auf Lager');
    expect(price(card(el, 'mug'))).toBe('24,00 $');
    expect(inCard(pinnedCard, '[part=stock]').textContent).toBe('Nur noch 3');
    expect(price(pinnedCard)).toBe('59,00 $');
    expect(chat.strings).toBe(el.strings);
    expect(root(el).querySelector('live-shop-hold-panel')!.strings).toBe(el.strings);
    expect(root(el).querySelector('live-shop-player')!.strings).toBe(el.strings);

    el.translations = { inStock: 'Vorrätig' };
    await settle(el);
    expect(inCard(card(el, 'mug'), '[part=stock]').textContent).toBe('Vorrätig');
    el.locale = 'en-US';
    await settle(el);
    expect(price(card(el, 'mug'))).toBe('$24.00');
  });

  it('registers each tag once: running the registering module again does not throw', async () => {
    const registered = customElements.get('live-shop');
    // A second instance of the module, as when a page loads the script twice.
    // @ts-expect-error the query makes it another module; TypeScript does not resolve queries
    await import('./live-shop.js?again');
    expect(customElements.get('live-shop')).toBe(registered);
  });

  it('stops its client when removed', async () => {
    const { el, client } = await widget();
    el.remove();
    expect(client.stopped).toBe(true);
  });
});
