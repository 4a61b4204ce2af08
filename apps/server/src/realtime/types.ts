import type {
  HostClientToServerEvents,
  InterServerEvents,
  ModeratorClientToServerEvents,
  ShopClientToServerEvents,
  ShopServerToClientEvents,
  SocketData,
  StaffServerToClientEvents,
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
  StaffServerToClientEvents,
  InterServerEvents,
  SocketData
>;
export type ModeratorNamespace = Namespace<
  ModeratorClientToServerEvents,
  StaffServerToClientEvents,
  InterServerEvents,
  SocketData
>;
/** A staff namespace as broadcasting to it sees it. */
export type StaffNamespace = Namespace<never, StaffServerToClientEvents, InterServerEvents, SocketData>;
export type ShopSocket = Socket<ShopClientToServerEvents, ShopServerToClientEvents, InterServerEvents, SocketData>;
export type StaffSocket =
  | Socket<HostClientToServerEvents, StaffServerToClientEvents, InterServerEvents, SocketData>
  | Socket<ModeratorClientToServerEvents, StaffServerToClientEvents, InterServerEvents, SocketData>;
export type LiveshopServer = Server<ShopClientToServerEvents, ShopServerToClientEvents, InterServerEvents, SocketData>;

/** Every namespace's server → client map is the shop's, so one type covers broadcasting to any of them. */
export type AnyNamespace = Namespace<never, ShopServerToClientEvents, InterServerEvents, SocketData>;
