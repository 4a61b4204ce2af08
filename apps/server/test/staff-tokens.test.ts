import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { Signer, StaffTokens } from '@liveshop/server';
import {
  ADMIN_KEY,
  SESSION_SECRET,
  admin,
  client,
  closeClients,
  createEvent,
  request,
  shopper,
  startTestServer,
  type Reply,
} from './harness.js';

let harness: Awaited<ReturnType<typeof startTestServer>>;
let server: { url: string };

beforeAll(async () => {
  harness = await startTestServer();
  server = harness.server;
  await createEvent(server, { id: 'guarded' }, { TEE: 5 });
  await createEvent(server, { id: 'elsewhere' }, { TEE: 5 });
});
afterEach(() => closeClients());
afterAll(() => harness?.stop());

const issue = async (role: 'host' | 'moderator', eventId: string) => {
  const issued = await admin(server, 'POST', '/api/admin/tokens', { role, eventId });
  expect(issued.status).toBe(201);
  expect(issued.body.id).toMatch(/^[A-Za-z0-9_-]{12}$/);
  return { token: issued.body.token as string, id: issued.body.id as string };
};

/** One valid payload per console action, on the event `eventId`. */
const ACTIONS: Record<'host' | 'moderator', Record<string, (eventId: string) => object>> = {
  host: {
    join: (eventId) => ({ eventId }),
    pin: (eventId) => ({ eventId, skus: ['TEE'] }),
    status: (eventId) => ({ eventId, status: 'live' }),
    drop: (eventId) => ({ eventId, sku: 'TEE', startsAt: Date.now() - 1 }),
    figures: (eventId) => ({ eventId }),
    'chat:send': (eventId) => ({ eventId, text: 'hello' }),
  },
  moderator: {
    join: (eventId) => ({ eventId }),
    'chat:send': (eventId) => ({ eventId, text: 'hello' }),
    'chat:delete': (eventId) => ({ eventId, messageId: 'm1' }),
    mute: (eventId) => ({ eventId, shopperId: 'sSomeoneElse0000', minutes: 1 }),
    ban: (eventId) => ({ eventId, shopperId: 'sSomeoneElse0001' }),
    'anomaly:ack': (eventId) => ({ eventId, id: 'aNone' }),
  },
};

const connectRefusal = (namespace: '/host' | '/moderator', auth: Record<string, unknown>) =>
  client(server, namespace, auth).then(
    () => null,
    (error: Error & { data?: { code: string; message: string } }) => error.data,
  );

describe('staff tokens over HTTP', () => {
  it('are issued with an id, listed per event, and revoked by id (404 for an unknown id)', async () => {
    const { id } = await issue('moderator', 'guarded');
    const listed = await admin(server, 'GET', '/api/admin/tokens?eventId=guarded');
    expect(listed.body.tokens).toContainEqual(expect.objectContaining({ id, role: 'moderator', eventId: 'guarded' }));
    const revoked = await admin(server, 'DELETE', `/api/admin/tokens/${id}`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.token).toMatchObject({ id, revokedAt: expect.any(Number) });
    expect((await admin(server, 'DELETE', '/api/admin/tokens/nosuchtoken1')).status).toBe(404);
    expect((await admin(server, 'DELETE', '/api/admin/tokens/bad%20id')).body.error?.code).toBe('INVALID_INPUT');
  });

  it('need the admin key to issue, list or revoke', async () => {
    const { id } = await issue('host', 'guarded');
    for (const [method, path, body] of [
      ['POST', '/api/admin/tokens', { role: 'host', eventId: 'guarded' }],
      ['GET', '/api/admin/tokens?eventId=guarded', undefined],
      ['DELETE', `/api/admin/tokens/${id}`, undefined],
    ] as const) {
      const refused = await admin(server, method, path, body, 'not-the-admin-key');
      expect(refused.status).toBe(401);
      expect(refused.body.error?.code).toBe('UNAUTHORIZED');
    }
    expect(ADMIN_KEY).not.toBe('not-the-admin-key');
  });
});

describe('every console action refuses the wrong caller', () => {
  it.each(['host', 'moderator'] as const)(
    'on /%s: a shopper, a token of another event, the other role',
    async (role) => {
      const { socket: shop } = await shopper(server);
      const other = await client(server, `/${role}`, { token: (await issue(role, 'elsewhere')).token });
      for (const [event, payload] of Object.entries(ACTIONS[role])) {
        // join and chat:send are shoppers' requests too (on /shop, as themselves).
        if (event !== 'join' && event !== 'chat:send') {
          const asShopper = await request(shop, event, payload('guarded'));
          expect(asShopper.ok, `${event} as a shopper`).toBe(false);
          expect(asShopper.error?.code, `${event} as a shopper`).toBe('UNAUTHORIZED');
        }
        const wrongEvent = await request(other, event, payload('guarded'));
        expect(wrongEvent.error?.code, `${event} with a token of another event`).toBe('FORBIDDEN');
      }
      const otherRole = role === 'host' ? 'moderator' : 'host';
      const crossed = await client(server, `/${otherRole}`, { token: (await issue(otherRole, 'guarded')).token });
      for (const event of Object.keys(ACTIONS[role]).filter((name) => !(name in ACTIONS[otherRole]))) {
        const refused = await request(crossed, event, ACTIONS[role][event]?.('guarded'));
        expect(refused.error?.code, `${event} on /${otherRole}`).toBe('FORBIDDEN');
      }
    },
  );

  it.each(['host', 'moderator'] as const)('on /%s: no token, a forged, an expired and a revoked one', async (role) => {
    const tokens = new StaffTokens(new Signer(SESSION_SECRET));
    const forged = new StaffTokens(new Signer('another-secret-of-enough-length')).issue(role, 'guarded').token;
    const expired = new StaffTokens(new Signer(SESSION_SECRET), () => Date.now() - 3_600_000).issue(
      role,
      'guarded',
      60,
    );
    const revoked = await issue(role, 'guarded');
    await admin(server, 'DELETE', `/api/admin/tokens/${revoked.id}`);
    expect(await connectRefusal(`/${role}`, {})).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await connectRefusal(`/${role}`, { token: forged })).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await connectRefusal(`/${role}`, { token: expired.token })).toEqual({
      code: 'UNAUTHORIZED',
      message: 'the token has expired',
    });
    expect(await connectRefusal(`/${role}`, { token: revoked.token })).toEqual({
      code: 'UNAUTHORIZED',
      message: 'the token has been revoked',
    });
    // A valid token signed with the server's secret but never recorded still works: revocation
    // is a list of revoked ids, and signing needs the secret.
    const unrecorded = await client(server, `/${role}`, { token: tokens.issue(role, 'guarded').token });
    expect((await request(unrecorded, 'join', { eventId: 'guarded' })).ok).toBe(true);
  });
});

describe('revoking a token', () => {
  it('closes every socket opened with it, on both namespaces, and only those', async () => {
    const host = await issue('host', 'guarded');
    const moderator = await issue('moderator', 'guarded');
    const hostSockets = [await client(server, '/host', host), await client(server, '/host', host)];
    const keeper = await client(server, '/moderator', moderator);
    const closed = hostSockets.map(
      (socket: Socket) => new Promise<string>((resolve) => socket.once('disconnect', resolve)),
    );
    expect((await request(hostSockets[0]!, 'join', { eventId: 'guarded' })).ok).toBe(true);
    expect((await admin(server, 'DELETE', `/api/admin/tokens/${host.id}`)).status).toBe(200);
    expect(await Promise.all(closed)).toEqual(['io server disconnect', 'io server disconnect']);
    const still: Reply = await request(keeper, 'join', { eventId: 'guarded' });
    expect(still.ok).toBe(true);
  });
});
