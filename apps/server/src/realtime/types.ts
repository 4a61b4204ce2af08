import type {
  HostClientToServerEvents,
  InterServerEvents,
  ModeratorClientToServerEvents,
  ShopClientToServerEvents,
  ShopServerToClientEvents,
  SocketData,
} from '@liveshop/protocol';
import type { Namespace, Server, Socket } from 'socket.io';

export type ShopNamespace = Namespace<
  ShopClientToServerEvents,
  ShopServerToClientEvents,
  InterServerEvents,
  SocketData
>;
export type HostNamespace = Namespace<
  HostClientToServerEvents,
  ShopServerToClientEvents,
  InterServerEvents,
  SocketData
>;
export type ModeratorNamespace = Namespace<
  ModeratorClientToServerEvents,
  ShopServerToClientEvents,
  InterServerEvents,
  SocketData
>;
export type ShopSocket = Socket<ShopClientToServerEvents, ShopServerToClientEvents, InterServerEvents, SocketData>;
export type StaffSocket =
  | Socket<HostClientToServerEvents, ShopServerToClientEvents, InterServerEvents, SocketData>
  | Socket<ModeratorClientToServerEvents, ShopServerToClientEvents, InterServerEvents, SocketData>;
export type LiveshopServer = Server<ShopClientToServerEvents, ShopServerToClientEvents, InterServerEvents, SocketData>;

/** Every namespace's server → client map is the shop's, so one type covers broadcasting to any of them. */
export type AnyNamespace = Namespace<never, ShopServerToClientEvents, InterServerEvents, SocketData>;
