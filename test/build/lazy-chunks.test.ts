import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cdn = fileURLToPath(new URL('../../packages/widget/cdn/', import.meta.url));
const read = (file: string) => readFileSync(path.join(cdn, file), 'utf8');
/** The module specifiers a minified ES module imports statically (`import … from "x"`, `import "x"`). */
const staticImports = (code: string) =>
  [...code.matchAll(/import\s*(?:[\w*${}\s,]+from\s*)?["'`]([^"'`]+)["'`]/g)].map((m) => m[1]);

describe('the widget bundle', () => {
  const chunks = readdirSync(path.join(cdn, 'chunks')).filter((file) => file.endsWith('.js'));

  it('is one core file: every other file is loaded on demand, never by a static import', () => {
    expect(staticImports(read('live-shop.js'))).toEqual([]);
    const dynamic = [...read('live-shop.js').matchAll(/import\(["'`]\.\/(chunks\/[^"'`]+)["'`]\)/g)].map((m) => m[1]);
    expect(dynamic.sort()).toEqual(chunks.map((chunk) => `chunks/${chunk}`).sort());
  });

  it('loads the checkout dialog in its own chunk, which shares Lit and the base element with the core file', () => {
    const checkout = chunks.find((chunk) => chunk.startsWith('checkout-flow-'));
    expect(checkout).toBeDefined();
    const code = read(`chunks/${checkout}`);
    expect(code).toContain('live-shop-checkout-dialog');
    expect(staticImports(code)).toEqual(['../live-shop.js']);
    expect(read('live-shop.js')).not.toContain('live-shop-checkout-dialog');
  });
});
