import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * The suites run the built server, which serves the widget's bundle: a plain `vitest run` that
 * finds either missing builds the workspace first.
 */
export default function setup(): void {
  const outputs = ['../../../apps/server/dist/index.js', '../../../packages/widget/cdn/live-shop.js'];
  if (outputs.every((output) => existsSync(new URL(output, import.meta.url)))) return;
  execFileSync('pnpm', ['build'], { stdio: 'inherit' });
}
