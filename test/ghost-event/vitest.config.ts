import { defineProject } from 'vitest/config';

/**
 * `pnpm ghost-event` end to end: the CLI as a child process (with its load-generator workers)
 * against a real server on loopback, and its oversell arithmetic on its own.
 */
export default defineProject({
  test: {
    name: 'ghost-event',
    include: ['**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
