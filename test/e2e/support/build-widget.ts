import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The server serves `packages/widget/dist`; build it when a plain `vitest run` finds it missing. */
export default function setup(): void {
  const bundle = fileURLToPath(new URL('../../../packages/widget/dist/live-shop.js', import.meta.url));
  if (existsSync(bundle)) return;
  execFileSync('pnpm', ['--filter', '@liveshop/widget', 'run', 'build'], { stdio: 'inherit' });
}
