import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect } from 'socket.io-client';
import { startTestServer } from './harness.js';

let harness: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  harness = await startTestServer({ allowedOrigins: ['https://shop.example'] });
});
afterAll(() => harness?.stop());

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
});
