/** Node flags that make a server child write V8 CPU profiles when it exits. */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { progress } from './report.js';

export const profileRoot = join(tmpdir(), 'liveshop-bench-profiles');

/**
 * One directory per profiled process: V8 writes one file per thread (the main thread's is
 * `CPU.*.0.001.cpuprofile`; tsx's module loader thread writes another), so no fixed file name.
 */
export function profileArgs(name: string): string[] {
  const dir = join(profileRoot, `${name}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  progress(`CPU profile of ${name} → ${dir}`);
  return ['--cpu-prof', `--cpu-prof-dir=${dir}`];
}
