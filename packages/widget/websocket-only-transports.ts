import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';

/**
 * The versions whose private `build/esm` layout {@link websocketOnlyTransports} is written
 * against, pinned for the whole workspace (`overrides` in pnpm-workspace.yaml). The build suite
 * fails when the installed versions or engine.io-client's exports differ: re-check the layout,
 * then move the pins (docs/decisions/0081-*.md).
 */
export const PINNED_VERSIONS = { 'socket.io-client': '4.8.4', 'engine.io-client': '6.6.8' } as const;

/**
 * What the plugin does with each export of engine.io-client's entry: re-exports it, stands in
 * `undefined` for it (transports socket.io-client re-exports and the widget never uses), or leaves
 * it out (nothing in socket.io-client imports it).
 */
export const ENGINE_EXPORTS = {
  Socket: 'kept',
  installTimerFunctions: 'kept',
  parse: 'kept',
  nextTick: 'kept',
  WebSocket: 'kept',
  Fetch: 'undefined',
  NodeXHR: 'undefined',
  XHR: 'undefined',
  NodeWebSocket: 'undefined',
  WebTransport: 'undefined',
  protocol: 'left out',
  Transport: 'left out',
  TransportError: 'left out',
  transports: 'left out',
} as const;

const ENGINE_ID = '\0liveshop:engine.io-client';
const TRANSPORTS_ID = '\0liveshop:websocket-only-transports';

/**
 * The widget always connects with `transports: ['websocket']`, yet engine.io-client's entry and
 * socket import every transport (long-polling over XHR and fetch, WebTransport). This plugin hands
 * socket.io-client an engine.io-client entry with only what it uses, and the engine.io socket a
 * transport table with only WebSocket, so the other transports stay out of the bundle. The
 * transport names socket.io-client re-exports (and the widget never uses) resolve to undefined.
 */
export function websocketOnlyTransports(): Plugin {
  let engineDir = '';
  const file = (path: string) => JSON.stringify(join(engineDir, path));
  return {
    name: 'liveshop:websocket-only-transports',
    enforce: 'pre',
    async resolveId(source, importer) {
      if (source === 'engine.io-client' && importer && /socket\.io-client[/\\]build[/\\]esm[/\\]/.test(importer)) {
        const resolved = await this.resolve(source, importer, { skipSelf: true });
        if (!resolved) return null;
        engineDir = dirname(resolved.id);
        return ENGINE_ID;
      }
      if (
        source === './transports/index.js' &&
        importer &&
        /engine\.io-client[/\\]build[/\\]esm[/\\]socket\.js$/.test(importer)
      ) {
        engineDir = dirname(importer);
        return TRANSPORTS_ID;
      }
      return null;
    },
    load(id) {
      if (id === TRANSPORTS_ID) {
        return `import { WS } from ${file('transports/websocket.js')};\nexport const transports = { websocket: WS };\n`;
      }
      if (id === ENGINE_ID) {
        return [
          `export { Socket } from ${file('socket.js')};`,
          `export { installTimerFunctions } from ${file('util.js')};`,
          `export { parse } from ${file('contrib/parseuri.js')};`,
          `export { nextTick } from ${file('globals.js')};`,
          `export { WS as WebSocket } from ${file('transports/websocket.js')};`,
          'export const Fetch = undefined, NodeXHR = undefined, XHR = undefined, NodeWebSocket = undefined, WebTransport = undefined;',
        ].join('\n');
      }
      return null;
    },
  };
}
