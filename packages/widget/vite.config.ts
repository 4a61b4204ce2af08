import { defineConfig } from 'vite';
import { minifyTemplates } from './template-minifier.js';
import { websocketOnlyTransports } from './websocket-only-transports.js';

/**
 * Builds `cdn/live-shop.js`: one ES module with Lit and socket.io-client inside, for a plain
 * `<script type="module">`. hls.js stays a separate chunk next to it, loaded by the player's
 * dynamic import only in browsers without native HLS.
 */
export default defineConfig({
  plugins: [websocketOnlyTransports(), minifyTemplates()],
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
      // The entry may export more than its own API, so the code the checkout dialog's lazy chunk
      // shares with it (Lit, the base element, formatters) stays in the entry, which has already
      // loaded it, instead of moving to a third file every page would have to fetch.
      preserveEntrySignatures: 'allow-extension',
      output: {
        chunkFileNames: 'chunks/[name]-[hash].js',
        // Library mode keeps whitespace by default (for downstream tree-shaking); this file ships as is.
        minify: true,
      },
    },
  },
});
