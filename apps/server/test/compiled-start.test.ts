import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropIsolation, randomId, REDIS_URL } from './harness.js';

const serverPackage = fileURLToPath(new URL('..', import.meta.url));
const mainJs = path.join(serverPackage, 'dist/main.js');
const repositoryRoot = path.resolve(serverPackage, '../..');

/** Every package `@liveshop/server` needs at run time: its dependencies, resolved the way node does, recursively. */
function runtimePackages(): Map<string, string> {
  const found = new Map<string, string>();
  const visit = (dir: string) => {
    const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    for (const name of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) {
      let from = dir;
      let resolved: string | undefined;
      for (;;) {
        const candidate = path.join(from, 'node_modules', name);
        if (existsSync(candidate)) {
          resolved = realpathSync(candidate);
          break;
        }
        const parent = path.dirname(from);
        if (parent === from) break;
        from = parent;
      }
      if (!resolved || found.has(`${name}@${resolved}`)) continue;
      found.set(`${name}@${resolved}`, name);
      visit(resolved);
    }
  };
  visit(serverPackage);
  return found;
}

describe('the runtime dependency graph of @liveshop/server', () => {
  it('holds no TypeScript runner or compiler', () => {
    const names = new Set(runtimePackages().values());
    expect(names.has('express')).toBe(true);
    expect(names.has('@liveshop/inventory')).toBe(true);
    for (const devTool of ['tsx', 'typescript', 'esbuild', 'vite', 'vitest'])
      expect(names.has(devTool), devTool).toBe(false);
  });
});

/** Starts `node [...nodeArgs] dist/main.js` in `cwd` with the demo on; resolves to the process and its URL once it listens. */
async function startCompiled(
  cwd: string,
  keyPrefix: string,
  nodeArgs: string[] = [],
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<{ child: ChildProcess; url: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_OPTIONS;
  delete env.DATABASE_URL;
  delete env.LIVESHOP_DATA_DIR;
  Object.assign(env, {
    PORT: '0',
    HOST: '127.0.0.1',
    REDIS_URL,
    LIVESHOP_REDIS_PREFIX: keyPrefix,
    LIVESHOP_DEMO: '1',
    LIVESHOP_DEMO_STREAM: '0',
    LIVESHOP_IP_RATE_LIMIT: '0',
    ...extraEnv,
  });
  const child = spawn(process.execPath, [...nodeArgs, mainJs], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const match = /listening on (http:\/\/\S+?)\/?$/m.exec(stderr);
      if (match) resolve(match[1]!.replace('localhost', '127.0.0.1'));
    });
    child.once('exit', (code) => reject(new Error(`the server exited with ${code} before listening:\n${stderr}`)));
  });
  return { child, url };
}

async function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  return exited;
}

/**
 * Every module the started server loads, recorded by a resolve hook (ES modules) and the CommonJS
 * resolver: none is tsx or another TypeScript runner, none is a `.ts` file, none comes from a
 * workspace package's `src/`. The hook is proven to see the server's own modules and its
 * dependencies, so an empty list cannot pass.
 */
describe('the modules the compiled server loads', () => {
  let cwd: string;
  let loaded: string[];
  const keyPrefix = randomId('tm');

  beforeAll(async () => {
    cwd = await mkdtemp(path.join(tmpdir(), 'liveshop-modules-'));
    const log = path.join(cwd, 'modules.log');
    const recorder = fileURLToPath(new URL('./record-modules.mjs', import.meta.url));
    const { child, url } = await startCompiled(cwd, keyPrefix, ['--import', recorder], { LIVESHOP_MODULE_LOG: log });
    // Requests load what is imported lazily on the way.
    expect((await fetch(`${url}/`)).status).toBe(200);
    expect((await fetch(`${url}/api/events/demo`)).status).toBe(200);
    expect(await stop(child)).toBe(0);
    loaded = (await readFile(log, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((entry) => (entry.startsWith('file:') ? fileURLToPath(entry) : entry));
  }, 60_000);

  afterAll(async () => {
    await dropIsolation({ keyPrefix, databaseUrl: '' });
    await rm(cwd, { recursive: true, force: true });
  });

  it('records the compiled server and its dependencies (the recorder works)', () => {
    expect(loaded).toContain(mainJs);
    expect(loaded.some((file) => file.includes(`${path.sep}express${path.sep}`))).toBe(true);
    expect(loaded.some((file) => file.includes(`${path.sep}ioredis${path.sep}`))).toBe(true);
    expect(loaded.some((file) => file.startsWith(path.join(repositoryRoot, 'packages/inventory/dist')))).toBe(true);
  });

  it('loads no tsx, TypeScript, esbuild or .ts file, and nothing from a workspace src/', () => {
    const runners = loaded.filter((file) =>
      /[\\/]node_modules[\\/](tsx|typescript|esbuild|@esbuild|ts-node)[\\/]/.test(file),
    );
    expect(runners).toEqual([]);
    expect(loaded.filter((file) => /\.[cm]?tsx?$/.test(file))).toEqual([]);
    const sources = loaded.filter(
      (file) => file.startsWith(repositoryRoot) && /[\\/](packages|apps)[\\/][^\\/]+[\\/]src[\\/]/.test(file),
    );
    expect(sources).toEqual([]);
  });
});

/**
 * `node apps/server/dist/main.js`, the start command, with no loader flag: plain node runs the
 * compiled JavaScript. Started in an empty temporary directory, it finds the widget and the demo
 * through their packages and keeps its data in `./data` of that directory, not in the repository.
 */
describe('the compiled server started with plain node', () => {
  let cwd: string;
  let child: ChildProcess;
  let url: string;
  const keyPrefix = randomId('tc');

  beforeAll(async () => {
    cwd = await mkdtemp(path.join(tmpdir(), 'liveshop-start-'));
    ({ child, url } = await startCompiled(cwd, keyPrefix));
  }, 60_000);

  afterAll(async () => {
    if (child) await stop(child);
    await dropIsolation({ keyPrefix, databaseUrl: '' });
    await rm(cwd, { recursive: true, force: true });
  });

  it('has no loader flag', () => {
    expect(child.spawnargs).toEqual([process.execPath, mainJs]);
  });

  it('serves the storefront, health, the widget bundle and the demo event', async () => {
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/widget/live-shop.js');
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    const widget = await fetch(`${url}/widget/live-shop.js`);
    expect(widget.status).toBe(200);
    expect(widget.headers.get('content-type')).toMatch(/javascript/);
    expect(await widget.text()).toContain('live-shop');
    const event = await fetch(`${url}/api/events/demo`);
    expect(event.status).toBe(200);
    expect(((await event.json()) as { event: { id: string } }).event.id).toBe('demo');
  });

  it('keeps its embedded database in ./data of its working directory', () => {
    expect(existsSync(path.join(cwd, 'data/pglite'))).toBe(true);
  });

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
