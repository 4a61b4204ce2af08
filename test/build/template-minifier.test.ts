import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { minifyTemplates } from '../../packages/widget/template-minifier.js';

const stylesModule = fileURLToPath(new URL('../../packages/widget/src/card/card.styles.ts', import.meta.url));

/** Runs the widget's template minifier on one module's source, as the bundler does. */
async function minify(source: string): Promise<string> {
  const plugin = minifyTemplates();
  const context = {
    error(message: string): never {
      throw new Error(message);
    },
    warn(message: string) {
      throw new Error(message);
    },
  };
  const result = (await plugin.transform.call(context as never, source, stylesModule)) as { code: string } | undefined;
  return result?.code ?? source;
}

describe("the widget's template minifier", () => {
  it('keeps a descendant combinator before a pseudo-class (a :hover is not a:hover)', async () => {
    const code = await minify(
      "import { css } from 'lit';\nexport const styles = css`\n  .list :hover {\n    color: red;\n  }\n  a:hover { color: blue; }\n`;\n",
    );
    expect(code).toContain('.list :hover{color:red}');
    expect(code).toContain('a:hover{color:#00f}');
  });

  it('drops comments and whitespace, and keeps custom properties and expressions', async () => {
    const code = await minify(
      "import { css, unsafeCSS } from 'lit';\nconst gap = unsafeCSS('4px');\n/* a module comment */\nexport const styles = css`\n  /* why the gap */\n  :host {\n    --live-shop-accent: #0f766e;\n    gap: ${gap};\n  }\n  .a > .b ~ .c + .d {\n    margin: 0 auto;\n  }\n`;\n",
    );
    expect(code).not.toContain('why the gap');
    expect(code).toContain('--live-shop-accent:#0f766e');
    expect(code).toContain('${gap}');
    expect(code).toMatch(/\.a>\.b~\.c\+\.d\{margin:0 auto\}/);
  });

  it('keeps container and media queries (an older CSS minifier dropped @container)', async () => {
    const code = await minify(
      "import { css } from 'lit';\nexport const styles = css`\n  @container (max-width: 639.98px) {\n    .base {\n      gap: 0;\n    }\n  }\n  @media (prefers-reduced-motion: reduce) {\n    .pulse { animation: none; }\n  }\n`;\n",
    );
    expect(code).toMatch(/@container \((max-width:\s?639\.98px|width<=639\.98px)\)\s?\{\.base\{gap:0\}\}/);
    expect(code).toMatch(/@media \(prefers-reduced-motion:\s?reduce\)\s?\{\.pulse\{animation:none\}\}/);
  });

  it('collapses the whitespace of html templates and keeps their bindings', async () => {
    const code = await minify(
      'import { html } from \'lit\';\nexport const view = (label: string) => html`\n  <button   part="buy"   @click=${() => label}>\n    ${label}\n  </button>\n`;\n',
    );
    expect(code).toContain('<button part="buy" @click="${() => label}">${label}</button>');
  });
});
