import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import { startTestServer } from './harness.js';

let harness: Awaited<ReturnType<typeof startTestServer>>;
let streamDir: string;

// Demo mode serves what a merchant's page loads from the server: the widget, product images, the stream.
beforeAll(async () => {
  streamDir = await mkdtemp(path.join(tmpdir(), 'liveshop-origin-'));
  // No ffmpeg here: the playlist is written by hand.
  await writeFile(path.join(streamDir, 'index.m3u8'), '#EXTM3U\n');
  harness = await startTestServer({
    allowedOrigins: ['https://shop.example'],
    demo: true,
    demoStream: false,
    streamDir,
  });
});
afterAll(async () => {
  await harness?.stop();
  await rm(streamDir, { recursive: true, force: true });
});

/** Resolves true when a WebSocket handshake with this Origin header connects. */
function connects(origin: string | undefined): Promise<boolean> {
  const socket = connect(`${harness.server.url}/shop`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    extraHeaders: origin ? { origin } : {},
  });
  return new Promise((resolve) => {
    socket.once('connect', () => resolve(true));
    socket.once('connect_error', () => resolve(false));
  }).finally(() => socket.disconnect()) as Promise<boolean>;
}

describe('origin allowlist', () => {
  it('accepts listed origins, the server itself and clients without Origin; refuses others', async () => {
    expect(await connects('https://shop.example')).toBe(true);
    expect(await connects(harness.server.url)).toBe(true);
    expect(await connects(undefined)).toBe(true);
    expect(await connects('https://evil.example')).toBe(false);
  });

  it('answers the public API with CORS only for listed origins', async () => {
    const allowed = await fetch(`${harness.server.url}/api/events/none`, {
      headers: { origin: 'https://shop.example' },
    });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    const other = await fetch(`${harness.server.url}/api/events/none`, { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers the long-polling transport with CORS only for listed origins, preflight included', async () => {
    const handshake = (origin: string) =>
      fetch(`${harness.server.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin } });
    const allowed = await handshake('https://shop.example');
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(await allowed.text()).toMatch(/^0\{"sid":/);
    const other = await handshake('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${harness.server.url}/socket.io/?EIO=4&transport=polling`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://shop.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type');
  });

  it('says Cross-Origin-Resource-Policy: cross-origin on the widget and its chunks, images, the stream and the API', async () => {
    const url = harness.server.url;
    const chunk = /chunks\/hls[\w.-]*\.js/.exec(await (await fetch(`${url}/widget/live-shop.js`)).text())?.[0];
    expect(chunk).toBeDefined();
    for (const [where, status] of [
      ['/widget/live-shop.js', 200],
      [`/widget/${chunk}`, 200],
      ['/img/tee.svg', 200],
      ['/img/poster.svg', 200],
      ['/stream/index.m3u8', 200],
      ['/api/events/demo', 200],
      ['/api/events/demo/locations?sku=TEE', 200],
      ['/api/events/none', 404],
    ] as const) {
      const response = await fetch(`${url}${where}`, { headers: { origin: 'https://shop.example' } });
      await response.arrayBuffer();
      const policy = response.headers.get('cross-origin-resource-policy');
      expect({ where, status: response.status, policy }).toEqual({ where, status, policy: 'cross-origin' });
    }
    const beacon = await fetch(`${url}/api/events/demo/beacons`, {
      method: 'POST',
      headers: { origin: 'https://shop.example', 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(beacon.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
  });
});
