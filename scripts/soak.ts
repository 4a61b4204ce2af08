/**
 * `pnpm soak [--minutes 10]`: steady load on a real server for a bounded time, watching its memory.
 *
 * Starts the compiled server (`apps/server/dist/main.js`, loopback, a random Redis key prefix on
 * REDIS_URL, a throw-away embedded database) and one live event, then keeps up until the time is
 * over:
 *   - shoppers that each reserve one unit about once a second and release it about 2 s later;
 *   - viewers that join the event, stay 5–20 s, leave (disconnect), and are replaced at once;
 *   - a chat line a second.
 * Every 5 s it samples the server's resident memory (VmRSS). It fails (exit 1) on any error: a
 * connect error, an ack that does not come, an answer other than a hold / SOLD_OUT / a release, a
 * line the server logs as an error, the server exiting; or on a growth trend of RSS: after the
 * first fifth of the run (warm-up), the least-squares slope of RSS over time, projected over that
 * window, must stay under 10 % of the mean RSS and under 20 MB. Prints a summary, `--json` one JSON
 * object. Deletes its Redis keys at the end.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { Redis } from 'ioredis';
import { io as connect, type Socket } from 'socket.io-client';

const root = fileURLToPath(new URL('..', import.meta.url));
const ADMIN_KEY = 'soak-admin-key';
const SAMPLE_MS = 5_000;

const options = new Command('soak')
  .description('steady load on a real server for a bounded time; fails on any error or an RSS growth trend')
  .option('--minutes <n>', 'how long the load runs', Number, 10)
  .option('--shoppers <n>', 'shoppers reserving and releasing', Number, 150)
  .option('--viewers <n>', 'viewers joining and leaving at any moment', Number, 300)
  .option(
    '--redis <url>',
    'Redis to use (a random key prefix, deleted at the end)',
    process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  )
  .option('--json', 'print one JSON object instead of a summary')
  .parse()
  .opts<{ minutes: number; shoppers: number; viewers: number; redis: string; json?: boolean }>();

const errors = new Map<string, number>();
const fail = (what: string) => {
  const seen = errors.get(what) ?? 0;
  // The first of each kind is shown as it happens, with when.
  if (seen === 0) console.error(`soak: ${new Date().toISOString()} error: ${what}`);
  errors.set(what, seen + 1);
};
const counts = { reserves: 0, holds: 0, soldOut: 0, releases: 0, joins: 0, leaves: 0, chats: 0, stockMessages: 0 };
const log = (line: string) => {
  if (!options.json) console.log(line);
};

async function main(): Promise<number> {
  const prefix = `soak${randomBytes(4).toString('hex')}`;
  const cwd = await mkdtemp(path.join(tmpdir(), 'liveshop-soak-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    REDIS_URL: options.redis,
    DATABASE_URL: 'memory://',
    LIVESHOP_REDIS_PREFIX: prefix,
    LIVESHOP_ADMIN_KEY: ADMIN_KEY,
    LIVESHOP_IP_RATE_LIMIT: '0',
    LIVESHOP_DEMO: '0',
  };
  delete env.NODE_OPTIONS;
  delete env.LIVESHOP_PROCESSES;
  const server = spawn(process.execPath, [path.join(root, 'apps/server/dist/main.js')], {
    cwd,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  let exited = false;
  server.once('exit', () => (exited = true));
  const url = await new Promise<string>((resolve, reject) => {
    server.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /listening on (http:\/\/\S+?)\//.exec(stderr);
      if (match) resolve(match[1]!.replace('localhost', '127.0.0.1'));
    });
    server.once('exit', (code) => reject(new Error(`the server exited (${code}) before listening:\n${stderr}`)));
  });
  const startupLog = stderr.length;

  const stopped = { value: false };
  // Interrupted: stop the load and fall through to the cleanup below (the server, the keys).
  let interrupted = false;
  process.once('SIGINT', () => (interrupted = true));
  process.once('SIGTERM', () => (interrupted = true));
  const sockets = new Set<Socket>();
  try {
    const eventId = `soak${randomBytes(3).toString('hex')}`;
    await adminCall(url, 'POST', '/api/admin/events', {
      id: eventId,
      title: 'Soak',
      status: 'live',
      products: [
        { sku: 'A', title: 'A', priceCents: 1000, currency: 'USD', limitPerShopper: 0 },
        { sku: 'B', title: 'B', priceCents: 2000, currency: 'USD', limitPerShopper: 0 },
      ],
    });
    await adminCall(url, 'PUT', `/api/admin/events/${eventId}/stock`, {
      items: [
        { sku: 'A', quantity: 100 },
        { sku: 'B', quantity: 100 },
      ],
    });

    const open = (): Socket => {
      const socket = connect(`${url}/shop`, { transports: ['websocket'], forceNew: true, reconnection: false });
      sockets.add(socket);
      socket.on('connect_error', (error) => fail(`connect_error: ${error.message}`));
      socket.on('stock', () => (counts.stockMessages += 1));
      socket.on('disconnect', (reason) => {
        sockets.delete(socket);
        if (!stopped.value && reason !== 'io client disconnect') fail(`disconnected: ${reason}`);
      });
      return socket;
    };
    const ask = async (socket: Socket, event: string, body: unknown) => {
      try {
        return (await socket.timeout(5_000).emitWithAck(event, body)) as {
          ok: boolean;
          error?: { code: string };
          hold?: { id: string };
        };
      } catch {
        if (!stopped.value) fail(`${event}: no answer within 5 s`);
        return undefined;
      }
    };
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const jitter = (ms: number) => ms * (0.5 + Math.random());

    const shopper = async () => {
      const socket = open();
      await new Promise((resolve) => socket.once('session', resolve));
      while (!stopped.value) {
        await pause(jitter(1_000));
        const sku = Math.random() < 0.5 ? 'A' : 'B';
        counts.reserves += 1;
        const held = await ask(socket, 'reserve', {
          eventId,
          sku,
          qty: 1,
          idempotencyKey: randomBytes(8).toString('hex'),
        });
        if (!held) continue;
        if (!held.ok) {
          if (held.error?.code === 'SOLD_OUT') counts.soldOut += 1;
          else fail(`reserve: ${held.error?.code}`);
          continue;
        }
        counts.holds += 1;
        await pause(jitter(2_000));
        const released = await ask(socket, 'release', {
          eventId,
          holdId: held.hold!.id,
          idempotencyKey: randomBytes(8).toString('hex'),
        });
        if (released?.ok) counts.releases += 1;
        else if (released) fail(`release: ${released.error?.code}`);
      }
      socket.disconnect();
    };
    const viewer = async () => {
      while (!stopped.value) {
        const socket = open();
        await new Promise((resolve) => socket.once('session', resolve));
        const joined = await ask(socket, 'join', { eventId });
        if (joined?.ok) counts.joins += 1;
        else if (joined) fail(`join: ${joined.error?.code}`);
        await pause(5_000 + Math.random() * 15_000);
        socket.disconnect();
        counts.leaves += 1;
      }
    };
    const chatter = async () => {
      const socket = open();
      await new Promise((resolve) => socket.once('session', resolve));
      await ask(socket, 'join', { eventId });
      for (let i = 0; !stopped.value; i += 1) {
        await pause(1_000);
        const sent = await ask(socket, 'chat:send', { eventId, text: `soak line ${i}` });
        if (sent?.ok) counts.chats += 1;
        else if (sent && sent.error?.code !== 'RATE_LIMITED') fail(`chat: ${sent.error?.code}`);
      }
      socket.disconnect();
    };

    const loads = [
      ...Array.from({ length: options.shoppers }, shopper),
      ...Array.from({ length: options.viewers }, viewer),
      chatter(),
    ];
    const started = Date.now();
    const durationMs = options.minutes * 60_000;
    const samples: { atS: number; rssMb: number }[] = [];
    log(
      `soak: ${options.minutes} min, ${options.shoppers} shoppers, ${options.viewers} viewers, server pid ${server.pid} at ${url}`,
    );
    while (Date.now() - started < durationMs && !exited && !interrupted) {
      await pause(SAMPLE_MS);
      const rssMb = await rssOf(server.pid!);
      if (rssMb === undefined) break;
      samples.push({ atS: (Date.now() - started) / 1000, rssMb });
      const elapsed = Math.round((Date.now() - started) / 1000);
      if (samples.length % 6 === 0)
        log(
          `  ${elapsed} s: RSS ${rssMb.toFixed(1)} MB, ${counts.reserves} reserves, ${counts.joins} joins, errors ${sum(errors)}`,
        );
    }
    stopped.value = true;
    await Promise.race([Promise.allSettled(loads), pause(10_000)]);
    if (exited) fail('the server exited during the soak');
    if (interrupted) fail('interrupted');
    for (const line of stderr.slice(startupLog).split('\n'))
      if (/error|failed|warning/i.test(line)) fail(`server log: ${line.slice(0, 200)}`);

    const warm = samples.filter((sample) => sample.atS >= durationMs / 1000 / 5);
    const trend = slope(warm);
    const windowS = warm.length > 1 ? warm.at(-1)!.atS - warm[0]!.atS : 0;
    const growthMb = trend * windowS;
    const meanMb = warm.reduce((total, sample) => total + sample.rssMb, 0) / Math.max(1, warm.length);
    const growthLimitMb = Math.min(20, meanMb * 0.1);
    const growing = warm.length >= 3 && growthMb > growthLimitMb;
    const report = {
      minutes: options.minutes,
      shoppers: options.shoppers,
      viewers: options.viewers,
      counts,
      errors: Object.fromEntries(errors),
      rssMb: {
        first: samples[0]?.rssMb,
        min: Math.min(...samples.map((s) => s.rssMb)),
        max: Math.max(...samples.map((s) => s.rssMb)),
        last: samples.at(-1)?.rssMb,
        meanAfterWarmup: round(meanMb),
      },
      trendMbPerMinute: round(trend * 60),
      growthOverWindowMb: round(growthMb),
      growthLimitMb: round(growthLimitMb),
      pass: errors.size === 0 && !growing,
    };
    if (options.json) console.log(JSON.stringify(report));
    else {
      log(
        `RSS after warm-up: mean ${report.rssMb.meanAfterWarmup} MB, trend ${report.trendMbPerMinute} MB/min ` +
          `(${report.growthOverWindowMb} MB over ${Math.round(windowS)} s; limit ${report.growthLimitMb} MB); ` +
          `first ${report.rssMb.first} MB, max ${report.rssMb.max} MB, last ${report.rssMb.last} MB`,
      );
      log(`load: ${JSON.stringify(counts)}`);
      log(errors.size === 0 ? 'errors: none' : `errors: ${JSON.stringify(report.errors)}`);
      log(report.pass ? 'soak: PASS' : `soak: FAIL${growing ? ' (RSS grows)' : ''}`);
    }
    return report.pass ? 0 : 1;
  } finally {
    stopped.value = true;
    for (const socket of sockets) socket.disconnect();
    server.kill('SIGTERM');
    await new Promise((resolve) => (exited ? resolve(undefined) : server.once('exit', resolve)));
    await deleteKeys(options.redis, prefix);
    await rm(cwd, { recursive: true, force: true });
  }
}

async function adminCall(url: string, method: string, route: string, body: unknown): Promise<void> {
  const response = await fetch(`${url}${route}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
}

async function rssOf(pid: number): Promise<number | undefined> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/** Least-squares slope of RSS (MB) over time (s). */
function slope(points: { atS: number; rssMb: number }[]): number {
  if (points.length < 2) return 0;
  const n = points.length;
  const mx = points.reduce((t, p) => t + p.atS, 0) / n;
  const my = points.reduce((t, p) => t + p.rssMb, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.atS - mx) * (p.rssMb - my);
    den += (p.atS - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

const round = (value: number) => Math.round(value * 100) / 100;
const sum = (map: Map<string, number>) => [...map.values()].reduce((t, v) => t + v, 0);

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`soak: ${(error as Error).message}`);
    process.exit(1);
  },
);
