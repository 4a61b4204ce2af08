import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ServerOptions } from '@liveshop/server';

/** A server running in a child process (`fixtures/child-server.ts`). */
export interface ChildServer {
  url: string;
  process: ChildProcess;
  /** Everything the child wrote to stderr so far (also passed through to this process's stderr). */
  stderr(): string;
  /** Everything the child wrote to stdout so far. */
  stdout(): string;
  /** Closes stdin, which makes the child close the server and exit; resolves with its exit code. */
  stop(): Promise<number | null>;
}

/** Starts a server in its own process, so a crash is seen as the child exiting instead of taking the test down. */
export async function spawnServer(options: ServerOptions, env: Record<string, string> = {}): Promise<ChildServer> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./fixtures/child-server.ts', import.meta.url))],
    {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { ...process.env, ...env, LIVESHOP_TEST_OPTIONS: JSON.stringify(options) },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    process.stderr.write(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /\{"port":(\d+)\}/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    void exited.then((code) => reject(new Error(`the server process exited with ${code} before listening`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    process: child,
    stderr: () => stderr,
    stdout: () => output,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.stdin!.end();
      return exited;
    },
  };
}
