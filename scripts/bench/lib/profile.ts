/** Node flags that make a server child write a V8 CPU profile when it exits. */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const profileDir = join(tmpdir(), 'liveshop-bench-profiles');

export function profileArgs(name: string): string[] {
  mkdirSync(profileDir, { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`];
}
