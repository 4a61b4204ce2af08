import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isErrorCode } from '@liveshop/protocol';
import {
  admin,
  closeClients,
  createEvent,
  dropIsolation,
  idem,
  isolation,
  request,
  shopper,
  testOptions,
  type Isolation,
} from './harness.js';
import { RawSocket, type Frame } from './raw-socket.js';
import { spawnServer, type ChildServer } from './spawn-server.js';

/**
 * Frames written by hand, as a hostile client would, to a server in its own process: event names
 * that are numbers or `Object.prototype` members, calls with and without acks, extra arguments,
 * binary attachments with and without their buffers, deep and oversized payloads, and garbage, on
 * `/shop`, `/host` and `/moderator`. The process must stay up and responsive, stock must not move,
 * and nothing the server sends may carry a stack trace.
 */
let scope: Isolation;
let server: ChildServer;
let hostToken: string;
let moderatorToken: string;

beforeAll(async () => {
  scope = isolation();
  server = await spawnServer(testOptions(scope, { shopperReservesPerSecond: 100_000 }));
  await createEvent(server, { id: 'fuzz' }, { TEE: 10, MUG: 10 });
  const issue = async (role: string) =>
    (await admin(server, 'POST', '/api/admin/tokens', { role, eventId: 'fuzz' })).body.token as string;
  [hostToken, moderatorToken] = await Promise.all([issue('host'), issue('moderator')]);
}, 60_000);

afterAll(async () => {
  closeClients();
  await server?.stop();
  await dropIsolation(scope);
});

/** Event names as JSON text: numbers, `Object.prototype` members, reserved names, junk. */
const EVENT_NAMES = [
  '1',
  '0',
  '-1',
  '1.5',
  '1e308',
  '"constructor"',
  '"__proto__"',
  '"toString"',
  '"hasOwnProperty"',
  '"valueOf"',
  '"prototype"',
  '"error"',
  '"connect"',
  '"disconnect"',
  '"newListener"',
  '""',
  JSON.stringify('x'.repeat(2_000)),
  'null',
  'true',
  '{}',
  '[]',
  '["join"]',
];
/** Every request of the three namespaces (each is also sent on the namespaces that do not know it). */
const KNOWN_EVENTS = [
  'join',
  'leave',
  'reserve',
  'release',
  'chat:send',
  'checkout',
  'pin',
  'status',
  'drop',
  'figures',
  'analytics',
  'chat:delete',
  'mute',
  'ban',
  'anomaly:ack',
  'pos:drift',
];
/** Requests whose whole payload is `{ eventId }`: given the one valid payload, they may be accepted. */
const EVENT_ID_ONLY = ['join', 'leave', 'figures', 'analytics', 'pos:drift'];
/** Payloads as JSON text; the one valid payload (`{"eventId":"fuzz"}`) may be accepted by {@link EVENT_ID_ONLY}. */
const VALID_JOIN = '{"eventId":"fuzz"}';
const PAYLOADS = [
  '{}',
  VALID_JOIN,
  '{"eventId":1}',
  '{"eventId":"fuzz","sku":"TEE","qty":0,"idempotencyKey":"k"}',
  '{"eventId":"fuzz","sku":"NOPE","qty":1,"idempotencyKey":"k"}',
  '{"eventId":"fuzz","sku":"TEE","qty":1,"idempotencyKey":"k","shopperId":"sX"}',
  '{"eventId":"fuzz","skus":"TEE"}',
  '{"eventId":"fuzz","status":"paused"}',
  '{"eventId":"fuzz","text":42}',
  '{"holdId":"h1~TEE","eventId":"fuzz"}',
  '{"__proto__":{"polluted":true},"eventId":"fuzz"}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '{"eventId":{"toString":1,"valueOf":2}}',
  'null',
  '42',
  '"text"',
  '[]',
];

/** Nesting as deep as fits under the frame size limit, and a frame over it. */
const deepArray = `${'['.repeat(7_000)}${']'.repeat(7_000)}`;
const deepObject = `${'{"a":'.repeat(2_500)}1${'}'.repeat(2_500)}`;
const oversized = JSON.stringify({ eventId: 'fuzz', text: 'x'.repeat(40_000) });

interface Case {
  name: string;
  frames: Frame[];
  /**
   * Ack ids the case asks for; each must be answered with a typed refusal (or, with `mayAccept`,
   * any typed answer) unless the server closed the connection.
   */
  acks: number[];
  mayAccept?: boolean;
  /** The case leaves the namespace itself (`41`): the server owes no further answer on it. */
  leavesNamespace?: boolean;
}

let nextId = 1;
/** An event frame from JSON texts: `42<ns>,[<id>][<name>,<args...>]`. */
const event = (ns: string, name: string, args: string[], withAck: boolean): { frame: string; ack?: number } => {
  const id = withAck ? nextId++ : undefined;
  return { frame: `42${ns},${id ?? ''}[${[name, ...args].join(',')}]`, ack: id };
};

function casesFor(ns: string): Case[] {
  const cases: Case[] = [];
  const add = (name: string, parts: { frame: Frame; ack?: number }[], mayAccept = false) =>
    cases.push({
      name,
      frames: parts.map((p) => p.frame),
      acks: parts.flatMap((p) => (p.ack ? [p.ack] : [])),
      mayAccept,
    });

  for (const name of EVENT_NAMES) {
    for (const withAck of [true, false]) {
      add(`event name ${name.slice(0, 30)} ack=${withAck}`, [event(ns, name, ['{}'], withAck)]);
      add(`event name ${name.slice(0, 30)} alone ack=${withAck}`, [event(ns, name, [], withAck)]);
      add(`event name ${name.slice(0, 30)} extra arguments ack=${withAck}`, [
        event(ns, name, ['{}', '"extra"', '1', 'null'], withAck),
      ]);
    }
  }
  for (const name of KNOWN_EVENTS.map((known) => JSON.stringify(known))) {
    for (const payload of PAYLOADS) {
      const valid = payload === VALID_JOIN && EVENT_ID_ONLY.includes(JSON.parse(name) as string);
      add(`${name} ${payload}`, [event(ns, name, [payload], true)], valid);
      add(`${name} ${payload} without ack`, [event(ns, name, [payload], false)], valid);
    }
    add(`${name} with extra arguments`, [event(ns, name, ['{"eventId":"fuzz","qty":0}', '"extra"', '1', '{}'], true)]);
    add(`${name} with an ack id and no arguments`, [event(ns, name, [], true)]);
    add(`${name} deeply nested array`, [event(ns, name, [deepArray], true)]);
    add(`${name} deeply nested object`, [event(ns, name, [deepObject], true)]);
    add(`${name} oversized`, [event(ns, name, [oversized], true)]);
    // Binary attachments: complete, missing, extra, out of range, and placeholders without binary.
    const placeholder = (num: string) => `{"_placeholder":true,"num":${num}}`;
    const binary = (count: number, args: string[], withAck: boolean) => {
      const id = withAck ? nextId++ : undefined;
      return { frame: `45${count}-${ns},${id ?? ''}[${[name, ...args].join(',')}]`, ack: id };
    };
    add(`${name} binary attachment in a field`, [
      binary(1, [`{"eventId":${placeholder('0')}}`], true),
      { frame: Buffer.from('binary') },
    ]);
    add(`${name} binary payload`, [binary(1, [placeholder('0')], true), { frame: Buffer.alloc(8_000, 1) }]);
    add(`${name} binary event name`, [
      { frame: `451-${ns},${nextId}[${placeholder('0')},{}]`, ack: nextId++ },
      { frame: Buffer.from('join') },
    ]);
    add(`${name} binary attachments never sent`, [binary(2, [placeholder('0'), placeholder('1')], true)]);
    add(`${name} binary attachment out of range`, [binary(1, [placeholder('7')], false), { frame: Buffer.from('x') }]);
    add(`${name} binary attachment named __proto__`, [
      binary(1, [placeholder('"__proto__"')], false),
      { frame: Buffer.from('x') },
    ]);
    add(`${name} too many attachments`, [binary(99, ['{}'], false)]);
    add(`${name} placeholder in a text frame`, [event(ns, name, [placeholder('0')], true)]);
  }
  add('binary frame with nothing to attach to', [{ frame: Buffer.from([0, 1, 2, 3]) }]);
  const garbage = [
    '',
    '4',
    '42',
    `42${ns}`,
    `42${ns},`,
    `42${ns},[`,
    `42${ns},{}`,
    `42${ns},[]`,
    `42${ns},"join"`,
    `42${ns},1`,
    `42${ns},99999999999999999999["join",{}]`,
    `42${ns},-1["join",{}]`,
    `43${ns},77[]`,
    `43${ns},[]`,
    `46-${ns},1[]`,
    `44${ns},{}`,
    `40${ns},"auth"`,
    `40${ns},{}`,
    `42/nowhere,["join",{}]`,
    '42/,["join",{}]',
    '49',
    '4x',
    '5',
    '6',
    '1',
    '9garbage',
    '\u0000\u0001',
    'x'.repeat(10_000),
  ];
  for (const frame of garbage) add(`garbage ${JSON.stringify(frame.slice(0, 30))}`, [{ frame }]);
  cases.push({ name: 'leave the namespace', frames: [`41${ns},`], acks: [], leavesNamespace: true });
  return cases;
}

/** What looks like a stack trace or a source path in a frame. */
const STACK = /\bat .+:\d+:\d+|node_modules|\/src\/|\.ts:\d+|\bError: .*\n/;

/** Runs every case on `ns`; resolves to how many requests got a typed answer. */
async function fuzz(ns: string, auth: unknown): Promise<number> {
  let socket = await RawSocket.connect(server.url, ns, auth);
  const sent: RawSocket[] = [socket];
  let answered = 0;
  for (const testCase of casesFor(ns)) {
    if (socket.closed) {
      socket = await RawSocket.connect(server.url, ns, auth);
      sent.push(socket);
    }
    for (const frame of testCase.frames) socket.send(frame);
    if (testCase.leavesNamespace) {
      socket.close();
      continue;
    }
    // A probe after the case: its answer (or a close) proves every frame before it was handled.
    const probe = nextId++;
    socket.send(`42${ns},${probe}["join",{"eventId":"fuzz"}]`);
    await socket.ack(ns, probe, 5_000).catch((error: Error) => {
      throw new Error(`${ns} ${testCase.name}: the server did not answer: ${error.message}`);
    });
    for (const id of testCase.acks) {
      // Acks of asynchronous handlers may come after the probe's; each must still come, or the socket close.
      const ack = await socket.ack(ns, id, 3_000).catch((error: Error) => {
        throw new Error(`${ns} ${testCase.name}: request ${id} was never answered: ${error.message}`);
      });
      if (ack === null) continue;
      const answer = ack?.[0] as { ok?: boolean; error?: { code?: unknown; message?: unknown } } | undefined;
      answered += 1;
      if (testCase.mayAccept && answer?.ok === true) continue;
      expect(answer?.ok, `${ns} ${testCase.name}`).toBe(false);
      expect(isErrorCode(answer?.error?.code), `${ns} ${testCase.name}`).toBe(true);
      expect(typeof answer?.error?.message, `${ns} ${testCase.name}`).toBe('string');
    }
  }
  for (const used of sent) {
    for (const frame of used.received) {
      if (typeof frame === 'string') expect(frame, `${ns}: a frame leaks a stack trace`).not.toMatch(STACK);
    }
    used.close();
  }
  expect(server.process.exitCode, `${ns}: the server process exited`).toBeNull();
  return answered;
}

describe('hand-written socket.io frames', () => {
  it('never crash or wedge the process, move stock or leak a stack, on every namespace', async () => {
    const before = await (await fetch(`${server.url}/api/events/fuzz`)).json();
    const { session } = await shopper(server);
    const answered = [
      await fuzz('/shop', {}),
      await fuzz('/shop', { session }),
      await fuzz('/host', { token: hostToken }),
      await fuzz('/moderator', { token: moderatorToken }),
    ];
    // Namespaces that refuse the connection: every frame after the refusal lands on no socket.
    for (const [ns, auth] of [
      ['/host', {}],
      ['/host', { token: moderatorToken }],
      ['/moderator', { token: 'nonsense' }],
      ['/moderator', { token: hostToken }],
    ] as const) {
      const refused = await RawSocket.connect(server.url, ns, auth);
      const answer = refused.received.find((frame) => typeof frame === 'string' && frame.startsWith(`44${ns}`));
      expect(answer, `${ns} refuses ${JSON.stringify(auth)}`).toBeDefined();
      expect(answer as string).not.toMatch(STACK);
      for (const testCase of casesFor(ns).slice(0, 60)) for (const frame of testCase.frames) refused.send(frame);
      refused.close();
    }
    for (const count of answered) expect(count).toBeGreaterThan(200);

    expect(server.process.exitCode).toBeNull();
    expect(server.stderr()).not.toMatch(/uncaught|unhandled/i);
    const after = await (await fetch(`${server.url}/api/events/fuzz`)).json();
    expect(after).toEqual(before);

    // Still serving: a normal shopper joins and reserves.
    const { socket } = await shopper(server);
    expect((await request(socket, 'join', { eventId: 'fuzz' })).ok).toBe(true);
    const held = await request(socket, 'reserve', { eventId: 'fuzz', sku: 'TEE', qty: 1, idempotencyKey: idem() });
    expect(held).toMatchObject({ ok: true, available: 9 });
  }, 120_000);
});
