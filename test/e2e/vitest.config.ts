import { defineProject } from 'vitest/config';

/**
 * End-to-end: the real server (Redis, in-memory PGlite, the demo event and its ffmpeg stream) and
 * the system Chromium driven by playwright-core. One file, one server and one browser, a fresh
 * browser context (a new shopper) per test.
 */
export default defineProject({
  test: {
    name: 'e2e',
    include: ['**/*.test.ts'],
    environment: 'node',
    globalSetup: ['./support/build.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
