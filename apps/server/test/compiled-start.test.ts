import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropIsolation, randomId, REDIS_URL } from './harness.js';

const serverPackage = fileURLToPath(new URL('..', import.meta.url));
const mainJs = path.join(serverPackage, 'dist/main.js');

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

/**
 * `node apps/server/dist/main.js`, the start command, with no loader flag: plain node runs the
 * compiled JavaScript. Started in an empty temporary directory, it finds the widget and the demo
 * through their packages and keeps its data in `./data` of that directory, not in the repository.
 */
describe('the compiled server started with plain node', () => {
  let cwd: string;
  let child: ChildProcess;
  let url: string;
  let stderr = '';
  const keyPrefix = randomId('tc');

  beforeAll(async () => {
    cwd = await mkdtemp(path.join(tmpdir(), 'liveshop-start-'));
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
    });
    child = spawn(process.execPath, [mainJs], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    url = await new Promise<string>((resolve, reject) => {
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const match = /listening on (http:\/\/\S+?)\/?$/m.exec(stderr);
        if (match) resolve(match[1]!.replace('localhost', '127.0.0.1'));
      });
      child.once('exit', (code) => reject(new Error(`the server exited with ${code} before listening:\n${stderr}`)));
    });
  }, 60_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
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

  it('prints signed-in links to both consoles, which it serves with their scripts', async () => {
    // Printed just after the line that says where it listens.
    for (let waited = 0; !stderr.includes('moderator console:') && waited < 5_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    for (const role of ['host', 'moderator']) {
      const link = new RegExp(`${role} console: http://\\S+/console/${role}#token=t1\\.\\S+`).exec(stderr);
      expect(link, `${role} link in:\n${stderr}`).not.toBeNull();
      const page = await fetch(`${url}/console/${role}`);
      expect(page.status).toBe(200);
      const html = await page.text();
      const script = /<script type="module" crossorigin src="([^"]+)"/.exec(html)?.[1];
      expect(script).toMatch(new RegExp(`^/console/assets/${role}-`));
      expect((await fetch(`${url}${script}`)).status).toBe(200);
    }
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
