/**
 * Starts a benchmark server in its own Node process (so the server and the load generator never
 * share an event loop) and gives the caller its pid, URL and resident memory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface ServerProcess {
  name: string;
  pid: number;
  port: number;
  url: string;
  /** Resident set size of the server process in KiB (VmRSS). */
  rssKb(): number;
  /** Full garbage collection in the server (when it runs with `--expose-gc`), then RSS in KiB. */
  settledRssKb(): Promise<number>;
  stop(): Promise<void>;
}

const children = new Set<ChildProcess>();
const interruptCleanups: (() => Promise<void>)[] = [];
let exitHookInstalled = false;
const INTERRUPT_CLEANUP_MS = 10_000;

/**
 * Kills every child this module started; runs on exit and on SIGINT/SIGTERM, where the cleanups
 * registered with {@link onInterrupt} run first (10 s at most; a second signal exits at once).
 */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const killAll = () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.on('exit', killAll);
  let interrupted = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      killAll();
      if (interrupted) process.exit(130);
      interrupted = true;
      const deadline = new Promise((resolve) => setTimeout(resolve, INTERRUPT_CLEANUP_MS).unref());
      const cleanups = Promise.allSettled(interruptCleanups.map((cleanup) => cleanup()));
      void Promise.race([cleanups, deadline]).then(() => process.exit(130));
    });
  }
}

/** Runs `cleanup` when the process is interrupted (SIGINT/SIGTERM), before it exits with 130. */
export function onInterrupt(cleanup: () => Promise<void>): void {
  installExitHook();
  interruptCleanups.push(cleanup);
}

/** Tracks a child so it is killed when the bench exits, however it exits. */
export function trackChild(child: ChildProcess): void {
  installExitHook();
  children.add(child);
  child.once('exit', () => children.delete(child));
}

/** VmRSS of a process in KiB, from /proc. */
export function readRssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return match ? Number(match[1]) : Number.NaN;
}

export interface StartOptions {
  name: string;
  /** Entry file, relative to the repository root. */
  entry: string;
  env?: Record<string, string>;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  /** How long it may take to print its ready line (default 180 s: the real server with PGlite took 69 s under a load of 18). */
  readyTimeoutMs?: number;
}

/**
 * Runs `node --import tsx <entry>` (no tsx wrapper process, so the pid is the server itself) and
 * waits for the `{"ready":true,"port":N}` line the entry prints once it listens.
 */
export async function startServerProcess(options: StartOptions): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', options.entry], {
    cwd: repoRoot,
    env: { ...process.env, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  trackChild(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const lines = createInterface({ input: child.stdout! });
  const replies: ((line: string) => void)[] = [];
  lines.on('line', (line) => {
    if (line.startsWith('{"control"')) replies.shift()?.(line);
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${options.name} did not start in time\n${stderr}`)),
      options.readyTimeoutMs ?? 180_000,
    );
    lines.on('line', (line) => {
      if (!line.startsWith('{"ready"')) return;
      clearTimeout(timer);
      resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited (${code ?? signal}) before it was ready\n${stderr}`));
    });
  });
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM' && signal !== 'SIGKILL' && !stopping) {
      process.stderr.write(`${options.name} exited unexpectedly (${code ?? signal})\n${stderr}\n`);
    }
  });
  return {
    name: options.name,
    pid: child.pid!,
    port,
    url: `http://127.0.0.1:${port}`,
    rssKb: () => readRssKb(child.pid!),
    settledRssKb: async () => {
      await new Promise<string>((resolve) => {
        replies.push(resolve);
        child.stdin!.write('gc\n');
      });
      return readRssKb(child.pid!);
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      stopping = true;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
