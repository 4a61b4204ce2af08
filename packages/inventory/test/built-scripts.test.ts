import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scripts } from '@liveshop/inventory';

const packageRoot = new URL('../', import.meta.url);

async function filesUnder(dir: URL): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => `${entry.parentPath}/${entry.name}`);
}

/** The package as published: `dist/`, where `@liveshop/inventory` resolves. */
describe('the built inventory package', () => {
  it('resolves to dist and carries its Lua as modules, reading no file at run time', async () => {
    expect(fileURLToPath(import.meta.resolve('@liveshop/inventory'))).toBe(
      fileURLToPath(new URL('dist/index.js', packageRoot)),
    );
    const builtJs = (await filesUnder(new URL('dist/', packageRoot))).filter((file) => file.endsWith('.js'));
    expect(builtJs.length).toBeGreaterThan(10);
    expect(builtJs.some((file) => file.includes('/dist/lua/'))).toBe(false);
    for (const file of builtJs) {
      const code = await readFile(file, 'utf8');
      expect(code, file).not.toMatch(/from ['"](node:)?fs(\/promises)?['"]|\.lua['"]/);
    }
  });

  it('inlines every include once, and names each command after the hash of its final text', async () => {
    const includes = (await readdir(new URL('src/lua/includes/', packageRoot))).map((file) => file.slice(0, -4));
    const sources = (await readdir(new URL('src/lua/', packageRoot))).filter((file) => file.endsWith('.lua'));
    expect(Object.keys(scripts).sort()).toEqual(sources.map((file) => file.split('-')[0]).sort());
    for (const [name, script] of Object.entries(scripts)) {
      const source = sources.find((file) => file.startsWith(`${name}-`))!;
      const keys = source.slice(name.length + 1, -4);
      expect(script.numberOfKeys).toBe(keys === 'n' ? undefined : Number(keys));
      const sha = createHash('sha1').update(script.lua).digest('hex').slice(0, 8);
      expect(script.command).toBe(`ls${name[0]!.toUpperCase()}${name.slice(1)}V${sha}`);
      expect(script.lua).not.toContain('--@include');
      for (const include of includes) {
        const mentioned = (await readFile(new URL(`src/lua/${source}`, packageRoot), 'utf8')).includes(
          `--@include "${include}"`,
        );
        const body = (await readFile(new URL(`src/lua/includes/${include}.lua`, packageRoot), 'utf8')).trim();
        // The include's header comment (its first line of text) marks where it was inlined.
        const headerLine = body.split('\n')[1]!;
        if (mentioned) expect(script.lua.split(headerLine).length - 1, `${name}: ${include}`).toBe(1);
      }
    }
  });

  it('leaves out the functions of an include that a script never calls', async () => {
    const code = (lua: string) => lua.replace(/--\[\[[\s\S]*?\]\]/g, '').replace(/--[^\n]*/g, '');
    for (const [name, script] of Object.entries(scripts)) {
      const text = code(script.lua);
      for (const [, fn] of text.matchAll(/^local function ([A-Za-z_][A-Za-z0-9_]*)\(/gm)) {
        expect(text.split(new RegExp(`\\b${fn}\\b`)).length - 1, `${name}: ${fn}`).toBeGreaterThan(1);
      }
    }
    // Reserve reclaims with expireEarliestHolds; the sweeper's expireDueHolds is not in it.
    expect(scripts.reserve.lua).toContain('local function expireEarliestHolds(');
    expect(scripts.reserve.lua).not.toContain('local function expireDueHolds(');
    expect(scripts.expireDue.lua).toContain('local function expireDueHolds(');
  });
});
