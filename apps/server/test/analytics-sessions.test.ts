import pg from 'pg';
import { startServer, type RunningServer } from '@liveshop/server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  TEST_DATABASE_URL,
  admin,
  client,
  closeClients,
  createEvent,
  dropIsolation,
  eventually,
  isolation,
  request,
  shopper,
  startTestServer,
  testOptions,
} from './harness.js';

/** A viewer away longer than this starts a new session (30 minutes in production). */
const GAP_MS = 1_500;

interface SessionRow {
  id: string;
  shopper_id: string | null;
  device: string;
  started_at: Date;
  last_seen_at: Date;
  ended_at: Date | null;
}

describe.runIf(TEST_DATABASE_URL)('analytics sessions', () => {
  let harness: Awaited<ReturnType<typeof startTestServer>>;
  let db: pg.Client;

  beforeAll(async () => {
    harness = await startTestServer({ analyticsVisitGapMs: GAP_MS });
    db = new pg.Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${harness.scope.dbSchema}` });
    await db.connect();
  });
  afterEach(() => closeClients());
  afterAll(async () => {
    await db?.end();
    await harness?.stop();
  });

  const sessionsOf = async (eventId: string): Promise<SessionRow[]> => {
    await harness.server.analytics.flush();
    const { rows } = await db.query<SessionRow>(
      'select id, shopper_id, device, started_at, last_seen_at, ended_at from viewer_sessions where event_id = $1 order by started_at',
      [eventId],
    );
    return rows;
  };

  it('records a join as a session with the shopper id, and the leave as its end', async () => {
    await createEvent(harness.server, { id: 'an-one' }, { TEE: 5 });
    const viewer = await shopper(harness.server);
    expect((await request(viewer.socket, 'join', { eventId: 'an-one' })).ok).toBe(true);
    await eventually(async () => (await sessionsOf('an-one')).length === 1);
    const [open] = await sessionsOf('an-one');
    expect(open).toMatchObject({ shopper_id: viewer.shopperId, ended_at: null, device: 'unknown' });
    expect((await request(viewer.socket, 'leave', { eventId: 'an-one' })).ok).toBe(true);
    await eventually(async () => (await sessionsOf('an-one'))[0]?.ended_at !== null);
    const [ended] = await sessionsOf('an-one');
    expect(ended!.id).toBe(open!.id);
    expect(ended!.ended_at!.getTime()).toBeGreaterThanOrEqual(ended!.started_at.getTime());
  });

  it('writes nothing for a join until the minute sample (or an explicit flush) carries its session', async () => {
    await createEvent(harness.server, { id: 'an-later' }, { TEE: 5 });
    // The server's own sample runs at each minute's start: keep the wait below clear of one.
    const toNextMinute = 60_000 - (Date.now() % 60_000);
    if (toNextMinute < 4_000) await new Promise((resolve) => setTimeout(resolve, toNextMinute + 500));
    const viewer = await shopper(harness.server);
    expect((await request(viewer.socket, 'join', { eventId: 'an-later' })).ok).toBe(true);
    const written = async () =>
      (await db.query('select id from viewer_sessions where event_id = $1', ['an-later'])).rowCount;
    // Two of the writer's 1 s flushes go by: the join alone is not written.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await written()).toBe(0);
    await harness.server.analytics.sample(Math.floor(Date.now() / 60_000) * 60_000);
    await eventually(async () => (await written()) === 1);
  });

  it('counts two tabs of one shopper as one session, ended only when the last tab goes', async () => {
    await createEvent(harness.server, { id: 'an-tabs' }, { TEE: 5 });
    const first = await shopper(harness.server);
    const second = await shopper(harness.server, first.session);
    expect(second.shopperId).toBe(first.shopperId);
    expect((await request(first.socket, 'join', { eventId: 'an-tabs' })).ok).toBe(true);
    expect((await request(second.socket, 'join', { eventId: 'an-tabs' })).ok).toBe(true);
    await eventually(async () => (await sessionsOf('an-tabs')).length === 1);
    first.socket.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await sessionsOf('an-tabs')).toMatchObject([{ ended_at: null }]);
    second.socket.disconnect();
    await eventually(async () => (await sessionsOf('an-tabs'))[0]?.ended_at !== null);
    expect(await sessionsOf('an-tabs')).toHaveLength(1);
  });

  it('starts a new session when the viewer comes back after the gap, and keeps it when back before', async () => {
    await createEvent(harness.server, { id: 'an-gap' }, { TEE: 5 });
    const first = await shopper(harness.server);
    expect((await request(first.socket, 'join', { eventId: 'an-gap' })).ok).toBe(true);
    first.socket.disconnect();
    await eventually(async () => (await sessionsOf('an-gap'))[0]?.ended_at != null);

    // Back within the gap: the same visit.
    const again = await shopper(harness.server, first.session);
    expect((await request(again.socket, 'join', { eventId: 'an-gap' })).ok).toBe(true);
    await eventually(async () => (await sessionsOf('an-gap'))[0]?.ended_at === null);
    expect(await sessionsOf('an-gap')).toHaveLength(1);
    again.socket.disconnect();
    await eventually(async () => (await sessionsOf('an-gap'))[0]?.ended_at != null);

    // Away longer than the gap: a new session of the same shopper.
    await new Promise((resolve) => setTimeout(resolve, GAP_MS + 300));
    const later = await shopper(harness.server, first.session);
    expect((await request(later.socket, 'join', { eventId: 'an-gap' })).ok).toBe(true);
    await eventually(async () => (await sessionsOf('an-gap')).length === 2);
    const [one, two] = await sessionsOf('an-gap');
    expect(one!.id).not.toBe(two!.id);
    expect(two!.shopper_id).toBe(first.shopperId);
    expect(two!.started_at.getTime()).toBeGreaterThan(one!.ended_at!.getTime());
  });

  it('keeps a connected viewer in one session however long it stays (the minute sample renews the visit)', async () => {
    await createEvent(harness.server, { id: 'an-stay' }, { TEE: 5 });
    const first = await shopper(harness.server);
    expect((await request(first.socket, 'join', { eventId: 'an-stay' })).ok).toBe(true);
    await eventually(async () => (await sessionsOf('an-stay')).length === 1);
    // Longer than the gap while connected; the sample (every minute in production) renews the visit.
    for (let waited = 0; waited < GAP_MS * 2; waited += GAP_MS / 3) {
      await new Promise((resolve) => setTimeout(resolve, GAP_MS / 3));
      await harness.server.analytics.sample(Date.now());
    }
    const tab = await shopper(harness.server, first.session);
    expect((await request(tab.socket, 'join', { eventId: 'an-stay' })).ok).toBe(true);
    await harness.server.analytics.flush();
    expect(await sessionsOf('an-stay')).toHaveLength(1);
  });

  it('stores no shopper id for a viewer who opted out', async () => {
    await createEvent(harness.server, { id: 'an-optout' }, { TEE: 5 });
    const viewer = await shopper(harness.server);
    expect((await request(viewer.socket, 'join', { eventId: 'an-optout', optOut: true })).ok).toBe(true);
    await eventually(async () => (await sessionsOf('an-optout')).length === 1);
    expect(await sessionsOf('an-optout')).toMatchObject([{ shopper_id: null }]);
    const { rows } = await db.query('select count(*)::int as n from viewer_sessions where shopper_id = $1', [
      viewer.shopperId,
    ]);
    expect(rows[0].n).toBe(0);
  });

  it('refuses a join whose opt-out flag is not a boolean', async () => {
    await createEvent(harness.server, { id: 'an-badflag' }, { TEE: 5 });
    const viewer = await shopper(harness.server);
    const reply = await request(viewer.socket, 'join', { eventId: 'an-badflag', optOut: 'yes' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('samples viewers per minute (now and at most) and the stock of watched events', async () => {
    await createEvent(harness.server, { id: 'an-sample' }, { TEE: 5, MUG: 2 });
    const a = await shopper(harness.server);
    const b = await shopper(harness.server);
    const c = await shopper(harness.server, b.session);
    for (const viewer of [a, b, c])
      expect((await request(viewer.socket, 'join', { eventId: 'an-sample' })).ok).toBe(true);
    await harness.server.analytics.flush();
    a.socket.disconnect();
    await eventually(async () => (await sessionsOf('an-sample')).some((row) => row.ended_at !== null));
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    await harness.server.analytics.sample(minute);
    await harness.server.analytics.flush();
    const samples = await db.query('select viewers, peak_viewers from viewer_samples where event_id = $1', [
      'an-sample',
    ]);
    // Two sessions were watching at once (b's two tabs are one); one is left.
    expect(samples.rows).toEqual([{ viewers: 1, peak_viewers: 2 }]);
    const stock = await db.query('select sku, available from stock_samples where event_id = $1 order by sku', [
      'an-sample',
    ]);
    expect(stock.rows).toEqual([
      { sku: 'MUG', available: 2 },
      { sku: 'TEE', available: 5 },
    ]);
  });

  it('counts in a sample the joins still being recorded when it is taken', async () => {
    await createEvent(harness.server, { id: 'an-race' }, { TEE: 5 });
    const viewer = await shopper(harness.server);
    // The join is acknowledged before its visit is looked up in Redis; a sample taken right then
    // still counts it.
    harness.server.analytics.joined('race-socket', 'an-race', viewer.shopperId, { device: 'desktop', optedOut: false });
    await harness.server.analytics.sample(Math.floor(Date.now() / 60_000) * 60_000);
    harness.server.analytics.disconnected('race-socket');
    await harness.server.analytics.flush();
    const samples = await db.query('select viewers, peak_viewers from viewer_samples where event_id = $1', ['an-race']);
    expect(samples.rows).toEqual([{ viewers: 1, peak_viewers: 1 }]);
  });

  it('records pins and unpins as pin history', async () => {
    await createEvent(harness.server, { id: 'an-pins' }, { TEE: 5, MUG: 2 });
    const issued = await admin(harness.server, 'POST', '/api/admin/tokens', { role: 'host', eventId: 'an-pins' });
    const host = await client(harness.server, '/host', { token: issued.body.token });
    expect((await request(host, 'join', { eventId: 'an-pins' })).ok).toBe(true);
    expect((await request(host, 'pin', { eventId: 'an-pins', skus: ['TEE'] })).ok).toBe(true);
    expect((await request(host, 'pin', { eventId: 'an-pins', skus: ['MUG'] })).ok).toBe(true);
    expect((await request(host, 'pin', { eventId: 'an-pins', skus: ['MUG'] })).ok).toBe(true);
    await harness.server.analytics.flush();
    const { rows } = await db.query(
      'select sku, unpinned_at is not null as closed from pin_history where event_id = $1 order by id',
      ['an-pins'],
    );
    expect(rows).toEqual([
      { sku: 'TEE', closed: true },
      { sku: 'MUG', closed: false },
    ]);
  });
});

describe.runIf(TEST_DATABASE_URL)('analytics sessions on two processes', () => {
  const scope = isolation();
  let servers: RunningServer[] = [];
  let db: pg.Client;

  beforeAll(async () => {
    // Two server processes on one Redis and one database, as `LIVESHOP_PROCESSES=2` runs them.
    servers = [await startServer(testOptions(scope)), await startServer(testOptions(scope))];
    db = new pg.Client({ connectionString: TEST_DATABASE_URL, options: `-c search_path=${scope.dbSchema}` });
    await db.connect();
  });
  afterEach(() => closeClients());
  afterAll(async () => {
    await db?.end();
    for (const server of servers) await server.close();
    await dropIsolation(scope);
  });

  it('records the tabs of one shopper on two processes as one session, sampled by each', async () => {
    const [a, b] = servers as [RunningServer, RunningServer];
    await createEvent(a, { id: 'an-two' }, { TEE: 5 });
    const first = await shopper(a);
    const second = await shopper(b, first.session);
    expect(second.shopperId).toBe(first.shopperId);
    expect((await request(first.socket, 'join', { eventId: 'an-two' })).ok).toBe(true);
    expect((await request(second.socket, 'join', { eventId: 'an-two' })).ok).toBe(true);
    const other = await shopper(b);
    expect((await request(other.socket, 'join', { eventId: 'an-two' })).ok).toBe(true);
    await Promise.all(servers.map((server) => server.analytics.flush()));
    const sessions = await db.query<{ shopper_id: string }>(
      'select shopper_id from viewer_sessions where event_id = $1 order by shopper_id',
      ['an-two'],
    );
    expect(sessions.rows.map((row) => row.shopper_id)).toEqual([first.shopperId, other.shopperId].sort());
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    await Promise.all(servers.map((server) => server.analytics.sample(minute)));
    await Promise.all(servers.map((server) => server.analytics.flush()));
    const samples = await db.query<{ peak: number }>(
      'select sum(peak_viewers)::int as peak from viewer_samples where event_id = $1 group by minute',
      ['an-two'],
    );
    // Per process: a has the one shopper, b has that shopper (second tab) and the other.
    expect(samples.rows).toEqual([{ peak: 3 }]);
  });
});
