import { afterEach, describe, expect, it, vi } from 'vitest';
import { userEvent } from 'vitest/browser';
import { mount, until } from '../test-support/fixtures.js';
import { recordClip, silentSource } from '../test-support/media.js';
import { HLS_MIME, hlsLoader } from './hls-loader.js';
import './player.js';
import type { LiveShopPlayer } from './player.js';
import { retryDelayMs } from './retry-backoff.js';

function stubNativeHls(native: boolean) {
  const original = HTMLMediaElement.prototype.canPlayType;
  return vi.spyOn(HTMLMediaElement.prototype, 'canPlayType').mockImplementation(function (
    this: HTMLMediaElement,
    type: string,
  ) {
    return type === HLS_MIME ? (native ? 'maybe' : '') : original.call(this, type);
  });
}

async function player(props: Partial<LiveShopPlayer> = {}) {
  const element = Object.assign(document.createElement('live-shop-player'), props);
  element.style.width = '320px';
  return mount(element);
}
const q = <E extends Element = HTMLElement>(el: LiveShopPlayer, selector: string) =>
  el.shadowRoot!.querySelector<E>(selector);

afterEach(() => {
  document.body.replaceChildren();
  vi.restoreAllMocks();
});

describe('<live-shop-player>', () => {
  it('is accessible: a labelled video, a status line and, over a playing video, a named unmute button', async () => {
    const el = await player();
    expect(q(el, 'video')!.getAttribute('aria-label')).toBe('Live');
    expect(q(el, '[part=status]')!.getAttribute('role')).toBe('status');
    stubNativeHls(true);
    el.src = await recordClip();
    await until(() => el.phase === 'playing', 'playing', 8000);
    await el.updateComplete;
    const unmute = q<HTMLButtonElement>(el, '[part=unmute]')!;
    expect(unmute.textContent?.trim()).toBe('Tap to unmute');
    expect(unmute.type).toBe('button');
  });

  it('reserves its 16:9 box before anything loads', async () => {
    const el = await player();
    const box = el.getBoundingClientRect();
    expect(box.width).toBe(320);
    expect(box.height).toBe(180);
  });

  it('starts muted, inline and autoplaying', async () => {
    const el = await player();
    const video = q<HTMLVideoElement>(el, 'video')!;
    expect(video.muted).toBe(true);
    expect(video.autoplay).toBe(true);
    expect(video.playsInline).toBe(true);
  });

  it('shows the poster and "starts soon" without a stream', async () => {
    const el = await player({ poster: '/poster.svg' });
    expect(q(el, '[part=status]')!.textContent).toBe('The show starts soon.');
    expect(q(el, '.poster')!.getAttribute('src')).toBe('/poster.svg');
  });

  it('plays natively and never loads hls.js when the browser plays HLS', async () => {
    stubNativeHls(true);
    const load = vi.spyOn(hlsLoader, 'load');
    const el = await player({ src: '/stream/index.m3u8' });
    await until(() => q<HTMLVideoElement>(el, 'video')!.getAttribute('src') !== null, 'native src');
    expect(q<HTMLVideoElement>(el, 'video')!.getAttribute('src')).toBe('/stream/index.m3u8');
    expect(load).not.toHaveBeenCalled();
  });

  it('attaches a new source only after the next paint, so what the same update renders shows first', async () => {
    stubNativeHls(true);
    const el = await player({ src: '/stream/index.m3u8' });
    const video = q<HTMLVideoElement>(el, 'video')!;
    expect(video.getAttribute('src')).toBeNull();
    await new Promise(requestAnimationFrame);
    await until(() => video.getAttribute('src') !== null, 'attached after the frame');
  });

  it('loads hls.js on demand without native HLS, and shows "reconnecting" when the stream is offline', async () => {
    stubNativeHls(false);
    const load = vi.spyOn(hlsLoader, 'load');
    const el = await player({ src: `/missing-${Date.now()}/index.m3u8` });
    await until(() => el.phase === 'reconnecting', 'reconnecting', 8000);
    expect(load).toHaveBeenCalledTimes(1);
    expect(q(el, '[part=status]')!.textContent).toBe('Stream offline. Reconnecting…');
    expect(q<HTMLVideoElement>(el, 'video')!.getAttribute('src')).toBeNull();
  });

  it('retries a failing native stream with backoff and says it is reconnecting', async () => {
    stubNativeHls(true);
    const el = await player({ src: `/missing-${Date.now()}/index.m3u8` });
    await until(() => el.phase === 'reconnecting', 'reconnecting', 8000);
    expect(q(el, '[part=status]')!.textContent).toBe('Stream offline. Reconnecting…');
  });

  it('unmutes on tap and hides the button', async () => {
    stubNativeHls(true);
    const el = await player({ src: await recordClip() });
    await until(() => q(el, '[part=unmute]') !== null, 'unmute button', 8000);
    await userEvent.click(q(el, '[part=unmute]')!);
    await el.updateComplete;
    expect(q<HTMLVideoElement>(el, 'video')!.muted).toBe(false);
    expect(q(el, '[part=unmute]')).toBeNull();
  });

  it('offers "Tap to unmute" only over a picture: not before the show, offline or after it', async () => {
    const el = await player();
    expect(el.phase).toBe('idle');
    expect(q(el, '[part=unmute]')).toBeNull();
    stubNativeHls(false);
    el.src = `/missing-${Date.now()}/index.m3u8`;
    await until(() => el.phase === 'reconnecting', 'reconnecting', 8000);
    expect(q(el, '[part=status]')!.textContent).toBe('Stream offline. Reconnecting…');
    expect(q(el, '[part=unmute]')).toBeNull();
    vi.restoreAllMocks();
    stubNativeHls(true);
    el.src = await recordClip();
    await until(() => el.phase === 'playing', 'playing', 8000);
    await el.updateComplete;
    expect(q(el, '[part=unmute]')).not.toBeNull();
    el.ended = true;
    await until(() => el.phase === 'ended', 'ended');
    await el.updateComplete;
    expect(q(el, '[part=unmute]')).toBeNull();
  });

  it('when the browser will not start the video on its own, the button is there to start it', async () => {
    stubNativeHls(true);
    const play = vi
      .spyOn(HTMLMediaElement.prototype, 'play')
      .mockRejectedValue(new DOMException('play() needs a user gesture', 'NotAllowedError'));
    const el = await player({ src: silentSource() });
    await until(() => q(el, '[part=unmute]') !== null, 'unmute button');
    expect(el.phase).toBe('loading');
    play.mockClear();
    await userEvent.click(q(el, '[part=unmute]')!);
    expect(play).toHaveBeenCalledTimes(1);
    expect(q<HTMLVideoElement>(el, 'video')!.muted).toBe(false);
  });

  it('says the show has ended', async () => {
    const el = await player({ src: '/stream/index.m3u8', ended: true });
    await until(() => el.phase === 'ended', 'ended');
    expect(q(el, '[part=status]')!.textContent).toBe('The show has ended. Thanks for watching!');
  });

  it('backs off from 1 s to at most 15 s, with jitter', () => {
    expect(retryDelayMs(0, () => 0.5)).toBe(1000);
    expect(retryDelayMs(3, () => 0.5)).toBe(8000);
    expect(retryDelayMs(10, () => 0.5)).toBe(15000);
    expect(retryDelayMs(10, () => 0)).toBe(11250);
  });
});
