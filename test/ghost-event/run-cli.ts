import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { GhostReport } from '../../scripts/ghost-event/summary.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `pnpm ghost-event` (its script, through tsx, as the root package.json does) with `args`. */
export function runGhostEventCli(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/ghost-event.ts', ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** What `--json` prints: the report, or `{ ok: false, error }` when the run could not happen. */
export type CliJson = GhostReport & { error?: { code: string; message: string } };

/** The one JSON object `--json` prints on stdout. */
export function jsonOf(run: CliRun): CliJson {
  const lines = run.stdout.trim().split('\n');
  if (lines.length !== 1) throw new Error(`expected one JSON line on stdout, got:\n${run.stdout}\n${run.stderr}`);
  return JSON.parse(lines[0]!) as CliJson;
}
