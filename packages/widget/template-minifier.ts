import { fileURLToPath } from 'node:url';
import minifyHtmlLiterals from '@lit-labs/rollup-plugin-minify-html-literals';

/**
 * Minifies the HTML and CSS inside Lit's `html` and `css` templates of the widget's sources
 * (html-minifier-next and lightningcss, through Lit's minify-html-literals), which the JavaScript
 * minifier keeps as they are. A template it cannot parse fails the build instead of shipping
 * unminified.
 */
export function minifyTemplates() {
  const sources = fileURLToPath(new URL('./src/', import.meta.url));
  return minifyHtmlLiterals({ include: [`${sources}**/*.ts`], exclude: [`${sources}**/*.test.ts`], failOnError: true });
}
