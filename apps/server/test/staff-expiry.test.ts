import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Signer, StaffTokens } from '@liveshop/server';
import { SESSION_SECRET, client, closeClients, createEvent, request, startTestServer } from './harness.js';

let harness: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  harness = await startTestServer();
  await createEvent(harness.server, { id: 'staffed' }, { TEE: 5 });
});
afterAll(async () => {
  closeClients();
  await harness?.stop();
});

describe('staff tokens that expire while connected', () => {
  it.each(['host', 'moderator'] as const)(
    'disconnect the %s at the expiry, and the token no longer opens',
    async (role) => {
      const tokens = new StaffTokens(new Signer(SESSION_SECRET));
      const { token, expiresAt } = tokens.issue(role, 'staffed', 2);
      const socket = await client(harness.server, `/${role}`, { token });
      expect((await request(socket, 'join', { eventId: 'staffed' })).ok).toBe(true);

      const reason = await new Promise<string>((resolve) => socket.once('disconnect', resolve));
      expect(reason).toBe('io server disconnect');
      expect(Date.now()).toBeGreaterThanOrEqual(expiresAt - 50);

      const refused = await client(harness.server, `/${role}`, { token }).then(
        () => null,
        (error: Error & { data?: { code: string; message: string } }) => error.data,
      );
      expect(refused).toEqual({ code: 'UNAUTHORIZED', message: 'the token has expired' });
    },
  );
});
