import { defineProject } from 'vitest/config';

/** The build's own parts, in node: what the widget's bundle is made with, and what it depends on. */
export default defineProject({
  test: { name: 'build', include: ['**/*.test.ts'], environment: 'node' },
});
