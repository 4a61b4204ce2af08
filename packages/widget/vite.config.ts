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
      output: {
        chunkFileNames: 'chunks/[name]-[hash].js',
        // Library mode keeps whitespace by default (for downstream tree-shaking); this file ships as is.
        minify: true,
      },
    },
  },
});
