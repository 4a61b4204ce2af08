import { playwright } from '@vitest/browser-playwright';
import { defineProject } from 'vitest/config';
import { chromiumArgs, chromiumExecutablePath } from './chromium.js';

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
          executablePath: chromiumExecutablePath,
          args: chromiumArgs,
        },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
