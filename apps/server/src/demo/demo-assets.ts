import { spawnSync } from 'node:child_process';
import { startTestStream } from '@liveshop/demo';

/**
 * Starts the demo's HLS test stream into `dir` when ffmpeg is installed. Never fails the server:
 * without ffmpeg or on error it logs and returns null (the page shows its player's error state).
 */
export async function startDemoStream(dir: string): Promise<{ stop(): Promise<void> } | null> {
  if (spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status !== 0) {
    console.warn('liveshop: ffmpeg is not installed; the demo plays no stream');
    return null;
  }
  try {
    return await startTestStream({ dir });
  } catch (error) {
    console.warn('liveshop: the demo stream did not start:', (error as Error).message);
    return null;
  }
}
