import { dirname, join } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

const ENGINE_ID = '\0liveshop:engine.io-client';
const TRANSPORTS_ID = '\0liveshop:websocket-only-transports';

/**
 * The widget always connects with `transports: ['websocket']`, yet engine.io-client's entry and
 * socket import every transport (long-polling over XHR and fetch, WebTransport). This plugin hands
 * socket.io-client an engine.io-client entry with only what it uses, and the engine.io socket a
 * transport table with only WebSocket, so the other transports stay out of the bundle. The
 * transport names socket.io-client re-exports (and the widget never uses) resolve to undefined.
 */
function websocketOnlyTransports(): Plugin {
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

/**
 * Collapses the whitespace inside Lit `css` templates of `*.styles.ts` files; the minifier keeps
 * template literal text as it is.
 */
function minifyLitCss(): Plugin {
  return {
    name: 'liveshop:minify-lit-css',
    transform(code, id) {
      if (!id.endsWith('.styles.ts')) return null;
      const minified = code.replace(/css`([^`]*)`/g, (_match, body: string) => {
        const compact = body
          .replace(/\/\*[\s\S]*?\*\//g, '')
          .replace(/\s+/g, ' ')
          .replace(/\s*([{};:,>])\s*/g, '$1')
          .replace(/;}/g, '}')
          .trim();
        return `css\`${compact}\``;
      });
      return { code: minified, map: null };
    },
  };
}

/**
 * Builds `dist/live-shop.js`: one ES module with Lit and socket.io-client inside, for a plain
 * `<script type="module">`. hls.js stays a separate chunk next to it, loaded by the player's
 * dynamic import only in browsers without native HLS.
 */
export default defineConfig({
  plugins: [websocketOnlyTransports(), minifyLitCss()],
  build: {
    target: 'es2022',
    outDir: 'cdn',
    emptyOutDir: true,
    sourcemap: true,
    minify: true,
    lib: {
      entry: 'src/index.ts',
      formats: ['es'],
      fileName: () => 'live-shop.js',
    },
    rolldownOptions: {
      output: {
        chunkFileNames: 'chunks/[name]-[hash].js',
        // Library mode keeps whitespace by default (for downstream tree-shaking); this file ships as is.
        minify: true,
      },
    },
  },
});
