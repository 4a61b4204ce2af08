import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import createDebug from 'debug';

const debug = createDebug('liveshop:demo-stream');

export interface TestStreamOptions {
  /** Directory the playlist and segments are written to (created, and emptied of old segments). */
  dir: string;
  /** How long to wait for the first playlist. Default 20 s. */
  startTimeoutMs?: number;
  /** The ffmpeg binary. Default `ffmpeg` on PATH. */
  ffmpeg?: string;
}

export interface TestStream {
  /** Absolute path of `index.m3u8`. */
  playlist: string;
  /** Stops ffmpeg (and its restarts). */
  stop(): Promise<void>;
}

/**
 * A studio-like picture (a slowly moving gradient with a caption and a running clock, or the plain
 * test pattern when the ffmpeg build cannot draw text) and a quiet tone, as live HLS: H.264
 * baseline + AAC in MPEG-TS, 1 s segments, a 6-segment sliding window. H.264 + AAC plays
 * everywhere: natively in Safari and recent Chrome, through hls.js and MSE elsewhere.
 */
export function testStreamArgs(dir: string, options: { captions: boolean; startNumber: number }): string[] {
  const captions =
    ',drawtext=text=LIVE FROM THE STUDIO:fontcolor=white@0.92:fontsize=54:x=(w-text_w)/2:y=h*0.3' +
    ",drawtext=text='%{pts\\:hms}':fontcolor=white@0.7:fontsize=28:x=(w-text_w)/2:y=h*0.3+80";
  const video = options.captions
    ? `gradients=s=1280x720:r=30:speed=0.008:c0=0x1e1b4b:c1=0xbe123c:c2=0xf59e0b:c3=0x0f766e:nb_colors=4${captions}`
    : 'testsrc=size=1280x720:rate=30';
  return [
    ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-re'],
    ...['-f', 'lavfi', '-i', video],
    ...['-f', 'lavfi', '-i', 'sine=frequency=330:sample_rate=48000'],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-profile:v', 'baseline'],
    ...['-pix_fmt', 'yuv420p', '-b:v', '900k', '-maxrate', '900k', '-bufsize', '1800k'],
    // One keyframe per second, so every 1 s segment starts with one.
    ...['-g', '30', '-keyint_min', '30', '-sc_threshold', '0'],
    ...['-c:a', 'aac', '-b:a', '64k', '-ac', '2'],
    ...['-f', 'hls', '-hls_time', '1', '-hls_list_size', '6'],
    // temp_file: the playlist is renamed into place, never served half written. omit_endlist: a
    // restart must not tell players the show is over. start_number: segment numbers keep rising
    // across restarts, so players see one continuing stream.
    ...['-hls_flags', 'delete_segments+independent_segments+temp_file+omit_endlist'],
    // Segments stay on disk a while after leaving the playlist, so a player that fell behind
    // (a busy machine, a slow phone) still gets them instead of a 404 and a stall.
    ...['-hls_delete_threshold', '10'],
    ...['-start_number', String(options.startNumber)],
    ...['-hls_segment_filename', path.join(dir, 'seg-%d.ts')],
    path.join(dir, 'index.m3u8'),
  ];
}

/**
 * Starts ffmpeg writing the test stream into `dir` and resolves once the playlist exists. If
 * ffmpeg dies it is restarted with backoff (1 s doubling to 30 s) until {@link TestStream.stop}.
 */
export async function startTestStream(options: TestStreamOptions): Promise<TestStream> {
  const dir = path.resolve(options.dir);
  const playlist = path.join(dir, 'index.m3u8');
  await mkdir(dir, { recursive: true });
  for (const name of await readdir(dir)) {
    if (name.endsWith('.ts') || name.endsWith('.m3u8') || name.endsWith('.tmp'))
      await rm(path.join(dir, name), { force: true });
  }

  let child: ChildProcess | null = null;
  let stopped = false;
  let captions = true;
  let failures = 0;
  let restartTimer: ReturnType<typeof setTimeout> | undefined;

  const launch = () => {
    const startedAt = Date.now();
    const proc = spawn(
      options.ffmpeg ?? 'ffmpeg',
      testStreamArgs(dir, { captions, startNumber: Math.floor(startedAt / 1000) }),
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    child = proc;
    let stderr = '';
    proc.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    proc.on('error', (error) => debug('ffmpeg did not start: %s', error.message));
    proc.on('exit', (code, signal) => {
      if (child === proc) child = null;
      if (stopped) return;
      debug('ffmpeg exited (%s): %s', code ?? signal, stderr.trim());
      // A build without drawtext (or without fonts) fails at once; the plain pattern needs neither.
      if (captions && Date.now() - startedAt < 3000 && /drawtext|font/i.test(stderr)) captions = false;
      failures = Date.now() - startedAt > 60_000 ? 0 : failures + 1;
      restartTimer = setTimeout(launch, Math.min(30_000, 1000 * 2 ** (failures - 1)));
    });
  };

  const stop = async () => {
    stopped = true;
    clearTimeout(restartTimer);
    const proc = child;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };

  launch();
  const deadline = Date.now() + (options.startTimeoutMs ?? 20_000);
  while (!(await exists(playlist))) {
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the test stream wrote no playlist to ${playlist}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { playlist, stop };
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
