/** `cem analyze` settings: Lit sources, without tests and test helpers. */
export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts', 'src/test-support/**', 'src/types/**'],
  litelement: true,
  outdir: '.',
};
