/** `cem analyze` settings: Lit sources, without tests and test helpers. */
export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts', 'src/test-support/**', 'src/types/**'],
  litelement: true,
  outdir: 'dist',
  plugins: [
    {
      // The file glob lists modules in whatever order the file system gives; sorted, the manifest
      // written to dist/ is the same on every machine and changes only when the API does.
      name: 'liveshop:modules-by-path',
      packageLinkPhase({ customElementsManifest }) {
        customElementsManifest.modules.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      },
    },
  ],
};
