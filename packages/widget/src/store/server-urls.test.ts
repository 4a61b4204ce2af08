import { describe, expect, it } from 'vitest';
import { joinAck, product } from '../test-support/fixtures.js';
import { resolveServerUrls, serverBaseUrl } from './server-urls.js';
import { ShopState } from './shop-state.js';

const server = serverBaseUrl('https://live.example.com');

describe('server URLs', () => {
  it("resolves the server's paths against the server, not the page the widget is on", () => {
    const snapshot = joinAck({
      event: {
        id: 'demo',
        title: 'Drop',
        streamUrl: '/stream/index.m3u8',
        posterUrl: '/img/poster.svg',
        holdTtlSeconds: 300,
        status: 'live',
      },
      products: [product({ imageUrl: '/img/tee.svg' })],
    });
    const resolved = resolveServerUrls(snapshot, server);
    expect(resolved.event.streamUrl).toBe('https://live.example.com/stream/index.m3u8');
    expect(resolved.event.posterUrl).toBe('https://live.example.com/img/poster.svg');
    expect(resolved.products[0]!.imageUrl).toBe('https://live.example.com/img/tee.svg');
    // A copy: the snapshot the client handed over is left as it came.
    expect(snapshot.products[0]!.imageUrl).toBe('/img/tee.svg');
  });

  it('keeps absolute URLs (a CDN) as they are and leaves fields that are not URLs alone', () => {
    const resolved = resolveServerUrls(
      {
        streamUrl: 'https://cdn.example.net/live/index.m3u8',
        imageUrl: 'data:image/svg+xml,%3Csvg%2F%3E',
        description: '/not/a/url',
        nested: [{ avatarUrl: '/a.png', note: '/b' }],
      },
      server,
    );
    expect(resolved).toEqual({
      streamUrl: 'https://cdn.example.net/live/index.m3u8',
      imageUrl: 'data:image/svg+xml,%3Csvg%2F%3E',
      description: '/not/a/url',
      // Any `…Url` field at any depth: the rule holds for fields the contract gains later.
      nested: [{ avatarUrl: 'https://live.example.com/a.png', note: '/b' }],
    });
  });

  it('drops a value that is no URL at all, or empty, rather than pointing at something broken', () => {
    const resolved = resolveServerUrls({ imageUrl: 'http://[::1', posterUrl: '', title: 'x' }, server);
    expect(resolved).toEqual({ title: 'x' });
  });

  it("uses the page's origin when no server is set, and never throws on a malformed one", () => {
    expect(serverBaseUrl('').href).toBe(`${location.origin}/`);
    expect(serverBaseUrl('http://[').href).toBe(`${location.origin}/`);
    expect(serverBaseUrl('https://live.example.com/').href).toBe('https://live.example.com/');
  });

  it('ShopState holds absolute URLs only, so the page can use product(sku).imageUrl as it is', () => {
    const state = new ShopState();
    state.serverBase = serverBaseUrl('http://127.0.0.1:8080');
    state.applySnapshot(joinAck({ products: [product({ imageUrl: '/img/mug.svg' })] }));
    expect(state.product('mug')!.imageUrl).toBe('http://127.0.0.1:8080/img/mug.svg');
    expect(state.products[0]!.imageUrl).toBe('http://127.0.0.1:8080/img/mug.svg');
  });
});
