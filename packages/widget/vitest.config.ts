import { playwright } from '@vitest/browser-playwright';
import { defineProject } from 'vitest/config';

/** Component tests run in the system Chromium (never a downloaded browser), headless. */
export default defineProject({
  // Pre-bundled up front: discovering them mid-run makes Vite reload the page under a running test.
  optimizeDeps: { include: ['lit', 'lit/directives/repeat.js', 'socket.io-client', 'hls.js/light', 'zod'] },
  test: {
    name: 'widget',
    include: ['src/**/*.test.ts'],
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      provider: playwright({
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
          args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
          ],
        },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
