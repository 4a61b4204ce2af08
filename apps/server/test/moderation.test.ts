import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import {
  TEST_DATABASE_URL,
  admin,
  client,
  closeClients,
  createEvent,
  eventually,
  idem,
  request,
  shopper,
  startTestServer,
} from './harness.js';

let harness: Awaited<ReturnType<typeof startTestServer>>;
let server: { url: string };

beforeAll(async () => {
  harness = await startTestServer({ shopperChatPer10Seconds: 50 });
  server = harness.server;
});
afterEach(() => closeClients());
afterAll(() => harness?.stop());

const staff = async (role: 'host' | 'moderator', eventId: string) => {
  const issued = await admin(server, 'POST', '/api/admin/tokens', { role, eventId });
  const socket = await client(server, `/${role}`, { token: issued.body.token });
  const joined = await request(socket, 'join', { eventId });
  expect(joined.ok).toBe(true);
  return { socket, tokenId: issued.body.id as string, joined };
};

const viewer = async (eventId: string, session?: string) => {
  const shop = await shopper(server, session);
  expect((await request(shop.socket, 'join', { eventId })).ok).toBe(true);
  return shop;
};

/** The moderation records of an event, read from the database the server uses (PostgreSQL only). */
async function recorded(eventId: string): Promise<{ action: string; shopper_id: string | null; actor: string }[]> {
  if (!TEST_DATABASE_URL || !harness.scope.dbSchema) return [];
  const db = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await db.connect();
  try {
    const { rows } = await db.query(
      `select action, shopper_id, message_id, actor, at from "${harness.scope.dbSchema}".moderation_actions where event_id = $1 order by id`,
      [eventId],
    );
    return rows;
  } finally {
    await db.end();
  }
}

describe('chat:delete', () => {
  it('removes the message for every viewer and from the history, and records who did it', async () => {
    await createEvent(server, { id: 'mod-delete' }, { TEE: 5 });
    const author = await viewer('mod-delete');
    const watcher = await viewer('mod-delete');
    const moderator = await staff('moderator', 'mod-delete');
    const staffSaw = new Promise<{ shopperId?: string }>((resolve) => moderator.socket.once('chat', resolve));
    const viewerSaw = new Promise<{ shopperId?: string }>((resolve) => watcher.socket.once('chat', resolve));
    const said = await request(author.socket, 'chat:send', { eventId: 'mod-delete', text: 'buy my stuff elsewhere' });
    expect(said.ok).toBe(true);
    expect(said.message.shopperId).toBeUndefined();
    // Staff see who wrote it (to mute or ban); viewers do not.
    expect((await staffSaw).shopperId).toBe(author.shopperId);
    expect((await viewerSaw).shopperId).toBeUndefined();

    const deleted = new Promise((resolve) => watcher.socket.once('chat:deleted', resolve));
    const notice = new Promise((resolve) => moderator.socket.once('moderation', resolve));
    expect(
      await request(moderator.socket, 'chat:delete', { eventId: 'mod-delete', messageId: said.message.id }),
    ).toEqual({
      ok: true,
      messageId: said.message.id,
    });
    expect(await deleted).toEqual({ eventId: 'mod-delete', messageId: said.message.id });
    expect(await notice).toMatchObject({ action: 'delete', messageId: said.message.id, by: moderator.tokenId });
    const late = await shopper(server);
    const ack = await request(late.socket, 'join', { eventId: 'mod-delete' });
    expect(ack.chat.map((message: { id: string }) => message.id)).not.toContain(said.message.id);
    if (TEST_DATABASE_URL) {
      expect(await recorded('mod-delete')).toContainEqual(
        expect.objectContaining({ action: 'delete', message_id: said.message.id, actor: moderator.tokenId }),
      );
    }
  });
});

describe('mute', () => {
  it('refuses the muted shopper chat with MUTED until it ends, and no one else', async () => {
    await createEvent(server, { id: 'mod-mute' }, { TEE: 5 });
    const loud = await viewer('mod-mute');
    const quiet = await viewer('mod-mute');
    const moderator = await staff('moderator', 'mod-mute');
    const muted = await request(moderator.socket, 'mute', {
      eventId: 'mod-mute',
      shopperId: loud.shopperId,
      minutes: 5,
    });
    expect(muted).toMatchObject({ ok: true, shopperId: loud.shopperId });
    expect(muted.until - Date.now()).toBeGreaterThan(4 * 60_000);
    expect(await request(loud.socket, 'chat:send', { eventId: 'mod-mute', text: 'hello?' })).toMatchObject({
      ok: false,
      error: { code: 'MUTED' },
    });
    expect((await request(quiet.socket, 'chat:send', { eventId: 'mod-mute', text: 'hello' })).ok).toBe(true);
    // A mute is chat only: the muted shopper may still buy.
    expect(
      (await request(loud.socket, 'reserve', { eventId: 'mod-mute', sku: 'TEE', qty: 1, idempotencyKey: idem() })).ok,
    ).toBe(true);
    const state = await request(moderator.socket, 'join', { eventId: 'mod-mute' });
    expect(state.moderation.muted).toEqual([{ shopperId: loud.shopperId, until: muted.until }]);
    for (const bad of [0, -1, 1.5, 7 * 24 * 60 + 1, '5']) {
      const refused = await request(moderator.socket, 'mute', {
        eventId: 'mod-mute',
        shopperId: loud.shopperId,
        minutes: bad,
      });
      expect(refused.error?.code).toBe('INVALID_INPUT');
    }
  });
});

describe('ban', () => {
  it('refuses the banned shopper chat and reserve with BANNED, records it, and leaves others alone', async () => {
    await createEvent(server, { id: 'mod-ban' }, { TEE: 5 });
    await createEvent(server, { id: 'mod-ban-other' }, { TEE: 5 });
    const bot = await viewer('mod-ban');
    const fan = await viewer('mod-ban');
    const moderator = await staff('moderator', 'mod-ban');
    expect(await request(moderator.socket, 'ban', { eventId: 'mod-ban', shopperId: bot.shopperId })).toEqual({
      ok: true,
      shopperId: bot.shopperId,
    });
    const reserve = (socket: typeof bot.socket, eventId = 'mod-ban') =>
      request(socket, 'reserve', { eventId, sku: 'TEE', qty: 1, idempotencyKey: idem() });
    expect((await reserve(bot.socket)).error?.code).toBe('BANNED');
    expect((await request(bot.socket, 'chat:send', { eventId: 'mod-ban', text: 'let me in' })).error?.code).toBe(
      'BANNED',
    );
    expect((await reserve(fan.socket)).ok).toBe(true);
    // A ban is per event.
    expect((await request(bot.socket, 'join', { eventId: 'mod-ban-other' })).ok).toBe(true);
    expect((await reserve(bot.socket, 'mod-ban-other')).ok).toBe(true);
    // Reconnecting with the same session changes nothing.
    const again = await viewer('mod-ban', bot.session);
    expect(again.shopperId).toBe(bot.shopperId);
    expect((await reserve(again.socket)).error?.code).toBe('BANNED');
    const state = await request(moderator.socket, 'join', { eventId: 'mod-ban' });
    expect(state.moderation.banned).toEqual([bot.shopperId]);
    if (TEST_DATABASE_URL) {
      expect(await recorded('mod-ban')).toContainEqual(
        expect.objectContaining({ action: 'ban', shopper_id: bot.shopperId, actor: moderator.tokenId }),
      );
    }
  });

  it('survives a dropped session token: a session minted from the banned IP starts banned, older ones do not', async () => {
    await createEvent(server, { id: 'mod-evade' }, { TEE: 5 });
    const before = await viewer('mod-evade');
    const bot = await viewer('mod-evade');
    const moderator = await staff('moderator', 'mod-evade');
    expect((await request(moderator.socket, 'ban', { eventId: 'mod-evade', shopperId: bot.shopperId })).ok).toBe(true);
    bot.socket.disconnect();
    // The bot clears its storage: a new session, a new shopper id, from the same address.
    const fresh = await shopper(server);
    expect(fresh.shopperId).not.toBe(bot.shopperId);
    const reserve = (socket: typeof bot.socket) =>
      request(socket, 'reserve', { eventId: 'mod-evade', sku: 'TEE', qty: 1, idempotencyKey: idem() });
    expect((await reserve(fresh.socket)).error?.code).toBe('BANNED');
    expect((await reserve(before.socket)).ok).toBe(true);
    // Twenty sessions minted at once from that address share one read of its bans: all start banned.
    const crowd = await Promise.all(Array.from({ length: 20 }, () => shopper(server)));
    const answers = await Promise.all(crowd.map((one) => reserve(one.socket)));
    expect(answers.map((answer) => answer.error?.code)).toEqual(answers.map(() => 'BANNED'));
    await eventually(async () => {
      const state = await request(moderator.socket, 'join', { eventId: 'mod-evade' });
      return state.moderation.banned.includes(fresh.shopperId);
    });
  });
});
