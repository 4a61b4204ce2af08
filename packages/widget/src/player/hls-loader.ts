import type HlsType from 'hls.js/light';

export type HlsConstructor = typeof HlsType;

/**
 * Loads hls.js (the light build: no subtitles, alternate audio or DRM) on demand. The dynamic
 * import is its own chunk, fetched only by browsers without native HLS. An object, so tests can
 * watch or replace the loader.
 */
export const hlsLoader = {
  load: async (): Promise<HlsConstructor> => (await import('hls.js/light')).default,
};

export const HLS_MIME = 'application/vnd.apple.mpegurl';

/** True when the browser plays HLS in a plain `<video>` (Safari, iOS, recent Chrome). */
export function playsHlsNatively(video: HTMLVideoElement): boolean {
  return video.canPlayType(HLS_MIME) !== '';
}
