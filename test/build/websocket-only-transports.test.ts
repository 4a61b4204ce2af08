import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ENGINE_EXPORTS, PINNED_VERSIONS } from '../../packages/widget/websocket-only-transports.js';

const widget = fileURLToPath(new URL('../../packages/widget/', import.meta.url));

/** A package's folder as the widget's bundle resolves it: socket.io-client from the widget, engine.io-client from socket.io-client. */
function packageDir(name: string, from: string): string {
  let dir = from;
  for (;;) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(candidate)) return realpathSync(candidate);
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`${name} is not installed for ${from}`);
    dir = parent;
  }
}

const socketIoClient = packageDir('socket.io-client', widget);
const engineIoClient = packageDir('engine.io-client', socketIoClient);
const esm = path.join(engineIoClient, 'build/esm');

/**
 * The plugin that keeps engine.io-client's polling and WebTransport code out of the widget reaches
 * into its private `build/esm` layout. These fail when an upgrade moves what it relies on.
 */
describe('the websocket-only transports plugin', () => {
  it('runs on the pinned socket.io-client and engine.io-client', () => {
    const version = (dir: string) =>
      (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string }).version;
    expect(version(socketIoClient)).toBe(PINNED_VERSIONS['socket.io-client']);
    expect(version(engineIoClient)).toBe(PINNED_VERSIONS['engine.io-client']);
  });

  it('knows every export of engine.io-client, and the files it loads are where it loads them', () => {
    const entry = readFileSync(path.join(esm, 'index.js'), 'utf8');
    const exported = new Set<string>();
    for (const match of entry.matchAll(/export\s*\{([^}]*)\}/g)) {
      for (const part of match[1]!.split(',')) {
        const name = part
          .trim()
          .split(/\s+as\s+/)
          .at(-1);
        if (name) exported.add(name);
      }
    }
    for (const match of entry.matchAll(/export\s+const\s+(\w+)/g)) exported.add(match[1]!);
    expect([...exported].sort()).toEqual(Object.keys(ENGINE_EXPORTS).sort());
    for (const file of ['socket.js', 'util.js', 'contrib/parseuri.js', 'globals.js', 'transports/websocket.js']) {
      expect(existsSync(path.join(esm, file)), file).toBe(true);
    }
    expect(readFileSync(path.join(esm, 'socket.js'), 'utf8')).toContain(
      'import { transports as DEFAULT_TRANSPORTS } from "./transports/index.js";',
    );
    expect(readFileSync(path.join(esm, 'transports/websocket.js'), 'utf8')).toMatch(/export class WS\b/);
    expect(readFileSync(path.join(socketIoClient, 'build/esm/manager.js'), 'utf8')).toContain(
      'from "engine.io-client"',
    );
  });

  it('leaves long-polling and WebTransport out of the built bundle, which stays within 32 KB gzip', () => {
    const bundle = readFileSync(path.join(widget, 'cdn/live-shop.js'));
    const code = bundle.toString();
    expect(code).toContain('websocket');
    expect(code).not.toContain('xhr poll error');
    expect(code).not.toContain('WebTransport');
    expect(gzipSync(bundle, { level: 9 }).length).toBeLessThanOrEqual(32 * 1024);
  });
});
