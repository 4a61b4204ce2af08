import { fileURLToPath } from 'node:url';
import minifyHtmlLiteralsModule from 'rollup-plugin-minify-html-literals';

// A CommonJS package with its function on `exports.default`: node's ESM import (how Vite loads its
// config) hands over `exports`, a bundler's interop (Vitest's) the function itself.
type MinifyHtmlLiterals = typeof minifyHtmlLiteralsModule.default;
const minifyHtmlLiterals: MinifyHtmlLiterals =
  minifyHtmlLiteralsModule.default ?? (minifyHtmlLiteralsModule as unknown as MinifyHtmlLiterals);

/**
 * Minifies the HTML and CSS inside Lit's `html` and `css` templates of the widget's sources
 * (html-minifier and clean-css through minify-html-literals), which the JavaScript minifier keeps
 * as they are. A template it cannot parse fails the build instead of shipping unminified.
 */
export function minifyTemplates() {
  const sources = fileURLToPath(new URL('./src/', import.meta.url));
  return minifyHtmlLiterals({ include: [`${sources}**/*.ts`], exclude: [`${sources}**/*.test.ts`], failOnError: true });
}
