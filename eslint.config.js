import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/data/**',
      'packages/widget/cdn/**',
      'packages/inventory/src/commands/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  { files: ['scripts/**', 'test/**', '**/*.test.ts', '**/bench/**'], rules: { 'no-console': 'off' } },
  // The server's layers point down (docs/architecture.md, decision 0091): the catalog, auth and the
  // database know nothing of the sockets, the HTTP routes or the orders built on them, and the
  // sockets and the HTTP routes never import each other.
  {
    // The ledgers are read through @liveshop/inventory (LedgerTail, LedgerGroupReader), which knows
    // their keys, their entry format and what a Redis Cluster allows.
    files: ['apps/server/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            'CallExpression[callee.property.name=/^(ledger|xread|xreadgroup|xautoclaim|xclaim|xack|xrange|xrevrange|xgroup)$/i], Literal[value=/^(XREAD|XREADGROUP|XAUTOCLAIM|XCLAIM|XACK|XRANGE|XREVRANGE|XGROUP)$/i]',
          message: 'read the ledgers through @liveshop/inventory (LedgerTail, LedgerGroupReader)',
        },
      ],
    },
  },
  ...[
    { dir: 'catalog', above: ['realtime', 'http', 'orders', 'pos', 'workers'] },
    { dir: 'auth', above: ['realtime', 'http', 'orders', 'pos', 'workers', 'catalog'] },
    { dir: 'db', above: ['realtime', 'http', 'orders', 'pos', 'workers', 'catalog'] },
    { dir: 'realtime', above: ['http'], why: 'the sockets and the HTTP routes never import each other' },
    { dir: 'http', above: ['realtime'], why: 'the sockets and the HTTP routes never import each other' },
  ].map(({ dir, above, why }) => ({
    files: [`apps/server/src/${dir}/**/*.ts`],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: above.map((layer) => `../${layer}/*`),
              message:
                why ??
                `apps/server/src/${dir}/ sits below ${above.join(', ')}: it declares what it needs as an interface of its own`,
            },
          ],
        },
      ],
    },
  })),
);
