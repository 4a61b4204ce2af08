import { spawnSync } from 'node:child_process';
import path from 'node:path';
import createDebug from 'debug';

const debug = createDebug('liveshop:demo');

/** What the server uses from `@liveshop/demo`, when that package provides it. */
interface DemoPackage {
  demoPublicDir?: string;
  startTestStream?: (options: { dir: string }) => Promise<{ playlist: string; stop(): Promise<void> }>;
}

/** Loads `@liveshop/demo`; an absent or incomplete package yields what it has. */
export async function loadDemoPackage(): Promise<DemoPackage> {
  // A variable specifier keeps the type checker from requiring the package's types.
  const specifier = '@liveshop/demo';
  try {
    return (await import(specifier)) as DemoPackage;
  } catch (error) {
    debug('@liveshop/demo is not loadable: %s', (error as Error).message);
    return {};
  }
}

/** The directory the demo stream is written to: beside the demo's public directory. */
export function demoStreamDir(demoPublicDir: string): string {
  return path.join(path.dirname(demoPublicDir), 'stream');
}

/**
 * Starts the demo's HLS test stream into `dir` when ffmpeg is installed. Never fails the server:
 * without ffmpeg or on error it logs and returns null (the page shows its player's error state).
 */
export async function startDemoStream(demo: DemoPackage, dir: string): Promise<{ stop(): Promise<void> } | null> {
  if (!demo.startTestStream) {
    console.warn('liveshop: @liveshop/demo has no startTestStream; the demo plays no stream');
    return null;
  }
  if (spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status !== 0) {
    console.warn('liveshop: ffmpeg is not installed; the demo plays no stream');
    return null;
  }
  try {
    return await demo.startTestStream({ dir });
  } catch (error) {
    console.warn('liveshop: the demo stream did not start:', (error as Error).message);
    return null;
  }
}
