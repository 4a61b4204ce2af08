import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { demoPublicDir, startTestStream } from './index.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('startTestStream', () => {
  it('writes a live HLS playlist with 1 s segments, and stop() ends ffmpeg', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'liveshop-stream-'));
    dirs.push(dir);
    const stream = await startTestStream({ dir });
    expect(stream.playlist).toBe(path.join(dir, 'index.m3u8'));
    const playlist = await readFile(stream.playlist, 'utf8');
    expect(playlist).toContain('#EXT-X-TARGETDURATION:1');
    expect(playlist).not.toContain('#EXT-X-ENDLIST');
    expect(playlist).toMatch(/seg-\d+\.ts/);
    await stream.stop();
    const before = (await readdir(dir)).length;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await readdir(dir)).length).toBe(before);
    // A stopped live stream stays "live": no end marker that would make players give up.
    expect(await readFile(stream.playlist, 'utf8')).not.toContain('#EXT-X-ENDLIST');
  });

  it('serves the storefront from a public directory with the product images', async () => {
    const files = await readdir(demoPublicDir);
    expect(files).toEqual(expect.arrayContaining(['index.html', 'cart.js', 'styles.css', 'img']));
    const images = await readdir(path.join(demoPublicDir, 'img'));
    expect(images).toEqual(
      expect.arrayContaining(['tee.svg', 'mug.svg', 'cap.svg', 'tote.svg', 'scarf.svg', 'sneaker.svg']),
    );
  });
});
