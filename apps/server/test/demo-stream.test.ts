import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from './harness.js';

let dir: string;
let harness: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'liveshop-stream-'));
  // No ffmpeg here: the test writes the playlist itself and checks where the server reads it from.
  harness = await startTestServer({ demo: true, demoStream: false, streamDir: dir });
});
afterAll(async () => {
  await harness?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('demo stream directory', () => {
  it('serves /stream/ from the streamDir option instead of the default stream/ in the data directory', async () => {
    const playlist = `#EXTM3U\n# ${path.basename(dir)}\n`;
    await writeFile(path.join(dir, 'index.m3u8'), playlist);
    const response = await fetch(`${harness.server.url}/stream/index.m3u8`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(playlist);
  });
});
