import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { minifyTemplates } from '../../packages/widget/template-minifier.js';

const stylesModule = fileURLToPath(new URL('../../packages/widget/src/card/card.styles.ts', import.meta.url));

/** Runs the widget's template minifier on one module's source, as the bundler does. */
function minify(source: string): string {
  const plugin = minifyTemplates();
  const context = {
    error(message: string): never {
      throw new Error(message);
    },
    warn(message: string) {
      throw new Error(message);
    },
  };
  const result = plugin.transform.call(context as never, source, stylesModule) as { code: string } | undefined;
  return result?.code ?? source;
}

describe("the widget's template minifier", () => {
  it('keeps a descendant combinator before a pseudo-class (a :hover is not a:hover)', () => {
    const code = minify(
      "import { css } from 'lit';\nexport const styles = css`\n  .list :hover {\n    color: red;\n  }\n  a:hover { color: blue; }\n`;\n",
    );
    expect(code).toContain('.list :hover{color:red}');
    expect(code).toContain('a:hover{color:#00f}');
  });

  it('drops comments and whitespace, and keeps custom properties and expressions', () => {
    const code = minify(
      "import { css, unsafeCSS } from 'lit';\nconst gap = unsafeCSS('4px');\n/* a module comment */\nexport const styles = css`\n  /* why the gap */\n  :host {\n    --live-shop-accent: #0f766e;\n    gap: ${gap};\n  }\n  .a > .b ~ .c + .d {\n    margin: 0 auto;\n  }\n`;\n",
    );
    expect(code).not.toContain('why the gap');
    expect(code).toContain('--live-shop-accent:#0f766e');
    expect(code).toContain('${gap}');
    expect(code).toMatch(/\.a>\.b~\.c\+\.d\{margin:0 auto\}/);
  });

  it('collapses the whitespace of html templates and keeps their bindings', () => {
    const code = minify(
      'import { html } from \'lit\';\nexport const view = (label: string) => html`\n  <button   part="buy"   @click=${() => label}>\n    ${label}\n  </button>\n`;\n',
    );
    expect(code).toContain('<button part="buy" @click="${() => label}">${label}</button>');
  });
});
