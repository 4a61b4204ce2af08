import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ADMIN_KEY, SESSION_SECRET } from './harness.js';

const mainJs = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** `node dist/main.js` with `LIVESHOP_PROCESSES`, the start command's launcher, in a child process. */
export interface ClusterServer {
  url: string;
  primary: ChildProcess;
  /** The pid of each worker by its place (0 … N-1), the latest when one was replaced. */
  pids: Map<number, number>;
  stderr(): string;
  /** Resolves once a line matching `pattern` was written after `from` characters of stderr. */
  waitFor(pattern: RegExp, from?: number, timeoutMs?: number): Promise<RegExpExecArray>;
  /** SIGTERM to the primary (which stops its workers); resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts the compiled server with `env` on top of a test environment (random port on loopback,
 * the test admin key and session secret, no per-IP limits, no demo stream) and waits until it
 * listens; rejects with its output when it exits first.
 */
export async function spawnCluster(env: Record<string, string>, timeoutMs = 60_000): Promise<ClusterServer> {
  const cwd = await mkdtemp(path.join(tmpdir(), 'liveshop-cluster-'));
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  delete childEnv.NODE_OPTIONS;
  Object.assign(childEnv, {
    PORT: '0',
    HOST: '127.0.0.1',
    LIVESHOP_ADMIN_KEY: ADMIN_KEY,
    LIVESHOP_SESSION_SECRET: SESSION_SECRET,
    LIVESHOP_IP_RATE_LIMIT: '0',
    LIVESHOP_DEMO_STREAM: '0',
    ...env,
  });
  const primary = spawn(process.execPath, [mainJs], { cwd, env: childEnv, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const pids = new Map<number, number>();
  const listeners = new Set<() => void>();
  primary.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const match of stderr.matchAll(/process (\d+) of \d+ ready \(pid (\d+)\)/g))
      pids.set(Number(match[1]) - 1, Number(match[2]));
    for (const listener of listeners) listener();
  });
  const exited = new Promise<number | null>((resolve) => primary.once('exit', (code) => resolve(code)));
  void exited.finally(() => rm(cwd, { recursive: true, force: true }));

  const waitFor = (pattern: RegExp, from = 0, timeout = 30_000) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(stderr.slice(from));
        if (!match) return;
        cleanup();
        resolve(match);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no ${pattern} in the server's output within ${timeout} ms:\n${stderr}`));
      }, timeout);
      const onExit = () => {
        cleanup();
        reject(new Error(`the server exited before ${pattern}:\n${stderr}`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        listeners.delete(check);
        primary.off('exit', onExit);
      };
      listeners.add(check);
      primary.once('exit', onExit);
      check();
    });

  const listening = await waitFor(/listening on (http:\/\/\S+?)\/ /, 0, timeoutMs);
  return {
    url: listening[1]!.replace('localhost', '127.0.0.1'),
    primary,
    pids,
    stderr: () => stderr,
    waitFor,
    stop: () => {
      if (primary.exitCode === null && primary.signalCode === null) primary.kill('SIGTERM');
      return exited;
    },
  };
}

/** Runs the start command expecting it to refuse to start: its exit code and output. */
export async function startRefused(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env };
  delete childEnv.NODE_OPTIONS;
  const child = spawn(process.execPath, [mainJs], { env: childEnv, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  return { code, stderr };
}
