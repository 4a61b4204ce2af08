import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/**
 * Builds the two console pages into `dist/pages/`: `host.html` and `moderator.html`, each with its
 * module script (no inline script: the server's Content-Security-Policy allows only scripts from
 * its origin), served by the server at `/console/host` and `/console/moderator`. chart.js is a
 * chunk of its own, loaded when the host page first draws its chart.
 */
export default defineConfig({
  base: '/console/',
  build: {
    target: 'es2022',
    outDir: 'dist/pages',
    emptyOutDir: true,
    sourcemap: true,
    modulePreload: { polyfill: false },
    rolldownOptions: {
      input: {
        host: resolve(import.meta.dirname, 'host.html'),
        moderator: resolve(import.meta.dirname, 'moderator.html'),
      },
    },
  },
});
