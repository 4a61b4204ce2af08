import type { HostClientToServerEvents, HostServerToClientEvents } from '@liveshop/protocol';
import { io, type Socket } from 'socket.io-client';
import type { DemoServer } from './demo-server.js';

/** Pins products on the demo event the way the host console does: a host token and the `/host` namespace. */
export async function pinProducts(server: DemoServer, skus: string[]): Promise<void> {
  const response = await fetch(`${server.url}/api/admin/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'host', eventId: 'demo' }),
  });
  if (!response.ok) throw new Error(`token: ${response.status} ${await response.text()}`);
  const { token } = (await response.json()) as { token: string };
  const socket: Socket<HostServerToClientEvents, HostClientToServerEvents> = io(`${server.url}/host`, {
    auth: { token },
    transports: ['websocket'],
  });
  try {
    const ack = await socket.timeout(5000).emitWithAck('pin', { eventId: 'demo', skus });
    if (!ack.ok) throw new Error(`pin: ${ack.error.code} ${ack.error.message}`);
  } finally {
    socket.disconnect();
  }
}
