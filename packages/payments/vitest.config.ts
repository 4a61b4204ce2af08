import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'payments',
    include: ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
