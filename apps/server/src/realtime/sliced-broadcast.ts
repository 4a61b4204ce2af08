import { performance } from 'node:perf_hooks';
import type { ShopServerToClientEvents } from '@liveshop/protocol';
import type { AnyNamespace } from './types.js';

/** Longest stretch one broadcast holds the event loop before it lets other work (reserves, acks) run. */
export const SLICE_MS = 4;
/** Sockets written between two looks at the clock. */
const CLOCK_EVERY = 32;
/** socket.io's EVENT packet type. */
const EVENT_PACKET = 2;

/** What a broadcast cost: the time it held the event loop, over how many slices, to how many sockets. */
export interface BroadcastCost {
  busyMs: number;
  slices: number;
  sockets: number;
}

/** socket.io's per-connection writer: what its adapter calls for every socket of a broadcast. */
interface LowLevelSocket {
  connected: boolean;
  client: { writeToEngine(packets: unknown[], options: Record<string, unknown>): void };
}

/** One namespace's encoding of the message: socket.io packet string and the finished WebSocket frame. */
interface Encoded {
  packets: unknown[];
  /** engine.io's write options, the frame among them; one object for every socket, as socket.io's adapter does. */
  options: Record<string, unknown>;
}

/**
 * A WebSocket text frame (server → client, unmasked, final) carrying `payload`, built once for all
 * sockets (RFC 6455 §5.2).
 */
export function textFrame(payload: Buffer): Buffer {
  const length = payload.length;
  const headerLength = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerLength + length);
  frame[0] = 0x81;
  if (length < 126) frame[1] = length;
  else if (length < 65_536) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  payload.copy(frame, headerLength);
  return frame;
}

function encode(namespace: AnyNamespace, event: string, payload: unknown): Encoded {
  const adapter = namespace.adapter as unknown as { encoder: { encode(packet: unknown): unknown[] } };
  const packets = adapter.encoder.encode({ type: EVENT_PACKET, data: [event, payload], nsp: namespace.name });
  const only = packets.length === 1 ? packets[0] : undefined;
  // "4" is the engine.io message packet type.
  const frame = typeof only === 'string' ? textFrame(Buffer.from(`4${only}`)) : null;
  return { packets, options: { preEncoded: true, ...(frame && { wsPreEncodedFrame: [frame] }) } };
}

/**
 * Hands one socket its copy: engine.io writes the finished frame as it is to a WebSocket (and
 * queues it behind anything not yet written, so messages keep their order), and encodes the packet
 * itself for long-polling.
 */
function writeOne(socket: LowLevelSocket, encoded: Encoded): void {
  socket.client.writeToEngine(encoded.packets, encoded.options);
}

const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Sends one message to every socket of a room on this process, in every namespace, without holding
 * the event loop for long: the message is encoded once per namespace down to the WebSocket frame,
 * each socket's copy is one write of that frame, and the room is walked in slices of about
 * {@link SLICE_MS} with the event loop free in between, so reserves arriving during a broadcast to
 * 10,000 viewers are answered between slices instead of after the whole broadcast. The sockets are
 * those in the room when the broadcast starts. Callers must not start a second broadcast to the
 * same room before the first resolves, or a socket could get the two out of order.
 */
export async function slicedBroadcast<E extends keyof ShopServerToClientEvents>(
  namespaces: AnyNamespace[],
  room: string,
  event: E,
  payload: Parameters<ShopServerToClientEvents[E]>[0],
): Promise<BroadcastCost> {
  const cost: BroadcastCost = { busyMs: 0, slices: 1, sockets: 0 };
  let sliceStart = performance.now();
  for (const namespace of namespaces) {
    const members = namespace.adapter.rooms.get(room);
    if (!members || members.size === 0) continue;
    const ids = [...members];
    const encoded = encode(namespace, event, payload);
    for (let i = 0; i < ids.length; i += 1) {
      const socket = namespace.sockets.get(ids[i]!) as unknown as LowLevelSocket | undefined;
      if (socket?.connected) {
        writeOne(socket, encoded);
        cost.sockets += 1;
      }
      if ((i + 1) % CLOCK_EVERY === 0 && i + 1 < ids.length) {
        const now = performance.now();
        if (now - sliceStart >= SLICE_MS) {
          cost.busyMs += now - sliceStart;
          await yieldToIo();
          cost.slices += 1;
          sliceStart = performance.now();
        }
      }
    }
  }
  cost.busyMs += performance.now() - sliceStart;
  return cost;
}
