import { html, nothing, type PropertyValues } from 'lit';
import type Hls from 'hls.js/light';
import { LiveShopPart } from '../base/live-shop-part.js';
import { afterNextPaint } from '../base/scheduling.js';
import { hlsLoader, playsHlsNatively } from './hls-loader.js';
import { playerStyles } from './player.styles.js';
import { retryDelayMs } from './retry-backoff.js';

/** What the player is doing; anything but `playing` shows a status line over the poster. */
export type PlayerPhase = 'idle' | 'loading' | 'playing' | 'reconnecting' | 'ended';

/** Seconds behind the live edge after which the native player jumps forward (hls.js does this itself). */
const MAX_LIVE_LAG_S = 12;
const LIVE_TARGET_LAG_S = 4;
/** Media errors in a row that `recoverMediaError` may try before the player starts over. */
const MAX_MEDIA_RECOVERIES = 3;

/**
 * @summary The live video: native HLS where the browser plays it, else hls.js loaded on demand.
 *
 * Starts muted (browsers only autoplay muted video) with `playsinline`, and shows a visible
 * "Tap to unmute" button while the video plays (or waits for a tap to start). It keeps near the live edge, recovers media errors with
 * `recoverMediaError` and retries network errors with backoff, showing "Stream offline.
 * Reconnecting…" meanwhile. The box keeps its 16:9 ratio before anything loads.
 *
 * @slot - Overlays shown over the video (the pinned products).
 * @csspart base - The box around video, poster and status.
 * @csspart video - The `<video>` element.
 * @csspart status - The status line over the video.
 * @csspart unmute - The tap-to-unmute button.
 * @cssproperty --live-shop-stage-background - Background behind the video.
 */
export class LiveShopPlayer extends LiveShopPart {
  static override styles = playerStyles;
  static override properties = {
    ...LiveShopPart.properties,
    src: {},
    poster: {},
    ended: { type: Boolean },
    phase: { state: true },
    muted: { state: true },
    autoplayRefused: { state: true },
  };

  /** HLS playlist URL; empty shows the poster and "The show starts soon". */
  declare src: string;
  /** Image shown while no video plays. */
  declare poster: string;
  /** The show is over: stop playback and say so. */
  declare ended: boolean;
  declare phase: PlayerPhase;
  declare muted: boolean;
  /** The browser refused to start the video on its own: the unmute button then starts it. */
  declare autoplayRefused: boolean;

  private hls: Hls | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private retries = 0;
  private mediaRecoveries = 0;
  /** Bumped on every attach, so a slow hls.js import never attaches a source that was replaced meanwhile. */
  private generation = 0;
  private cancelPendingAttach: (() => void) | null = null;

  constructor() {
    super();
    this.src = '';
    this.poster = '';
    this.ended = false;
    this.phase = 'idle';
    this.muted = true;
    this.autoplayRefused = false;
  }

  get video(): HTMLVideoElement | null {
    return this.renderRoot.querySelector('video');
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.cancelPendingAttach?.();
    this.detach();
  }

  /**
   * A new source attaches after the next paint: the update that brings it (the join) also brings
   * the product cards, and they show first. Media setup, and without native HLS the hls.js import
   * and start-up, then run in their own tasks.
   */
  protected override updated(changed: PropertyValues<this>): void {
    if (!changed.has('src') && !changed.has('ended')) return;
    this.cancelPendingAttach?.();
    this.cancelPendingAttach = afterNextPaint(() => {
      this.cancelPendingAttach = null;
      void this.attach();
    });
  }

  override render() {
    const s = this.strings;
    const status = this.statusText();
    const showPoster = this.poster && this.phase !== 'playing';
    return html`<div class="base" part="base">
      ${showPoster ? html`<img class="poster" src=${this.poster} alt="" />` : nothing}
      <video
        part="video"
        muted
        autoplay
        playsinline
        .muted=${this.muted}
        aria-label=${s.live}
        @playing=${this.onPlaying}
        @error=${this.onNativeError}
        @timeupdate=${this.onTimeUpdate}
      ></video>
      ${status ? html`<p class="status" part="status" role="status">${status}</p>` : nothing}
      ${
        this.offersUnmute()
          ? html`<button class="unmute" part="unmute" type="button" @click=${this.unmute}>
              <svg viewBox="0 0 24 24" aria-hidden="true" fill="currentColor">
                <path
                  d="M3 9v6h4l5 5V4L7 9H3zm13.6 3 2.7-2.7-1.4-1.4-2.7 2.7-2.7-2.7-1.4 1.4 2.7 2.7-2.7 2.7 1.4 1.4 2.7-2.7 2.7 2.7 1.4-1.4z"
                />
              </svg>
              <span class="label">${s.unmute}</span>
            </button>`
          : nothing
      }
      <slot></slot>
    </div>`;
  }

  /**
   * "Tap to unmute" only means something over a picture: while the video plays, or when it is
   * ready but the browser would not start it without a tap. Over "Stream offline" or "The show
   * starts soon" there is nothing to hear.
   */
  private offersUnmute(): boolean {
    if (!this.muted) return false;
    return this.phase === 'playing' || (this.phase === 'loading' && this.autoplayRefused);
  }

  private statusText(): string {
    const s = this.strings;
    switch (this.phase) {
      case 'idle':
        return s.showStartsSoon;
      case 'loading':
        return s.streamLoading;
      case 'reconnecting':
        return s.streamOffline;
      case 'ended':
        return s.showEnded;
      case 'playing':
        return '';
    }
  }

  private async attach(): Promise<void> {
    this.detach();
    const generation = ++this.generation;
    const video = this.video;
    if (!video) return;
    if (this.ended) {
      this.phase = 'ended';
      return;
    }
    if (!this.src) {
      this.phase = 'idle';
      return;
    }
    if (this.phase !== 'reconnecting') this.phase = 'loading';
    if (playsHlsNatively(video)) {
      video.src = this.src;
      this.play(video);
      return;
    }
    const HlsClass = await hlsLoader.load();
    if (generation !== this.generation) return;
    const hls = new HlsClass({
      liveSyncDurationCount: 3,
      liveMaxLatencyDurationCount: 8,
      maxLiveSyncPlaybackRate: 1.5,
      backBufferLength: 30,
    });
    this.hls = hls;
    hls.on(HlsClass.Events.MANIFEST_PARSED, () => this.play(video));
    hls.on(HlsClass.Events.ERROR, (_event, data) => {
      if (!data.fatal) return;
      if (data.type === HlsClass.ErrorTypes.MEDIA_ERROR && this.mediaRecoveries < MAX_MEDIA_RECOVERIES) {
        this.mediaRecoveries++;
        hls.recoverMediaError();
        return;
      }
      this.scheduleRetry();
    });
    hls.loadSource(this.src);
    hls.attachMedia(video);
  }

  private detach(): void {
    clearTimeout(this.retryTimer);
    this.autoplayRefused = false;
    this.hls?.destroy();
    this.hls = null;
    const video = this.video;
    if (video?.getAttribute('src')) {
      video.removeAttribute('src');
      video.load();
    }
  }

  private play(video: HTMLVideoElement): void {
    // Autoplay can still be refused (data saver, policies); the unmute button then starts playback.
    // Any other refusal (the source was replaced meanwhile) is the next attach's business.
    video.play().catch((error: unknown) => {
      if (error instanceof DOMException && error.name === 'NotAllowedError' && video === this.video) {
        this.autoplayRefused = true;
      }
    });
  }

  private scheduleRetry(): void {
    this.phase = 'reconnecting';
    const delay = retryDelayMs(this.retries++);
    this.hls?.destroy();
    this.hls = null;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.attach(), delay);
  }

  private onPlaying = () => {
    this.phase = 'playing';
    this.autoplayRefused = false;
    this.retries = 0;
    this.mediaRecoveries = 0;
  };

  private onNativeError = () => {
    if (this.hls || !this.src || this.ended) return;
    this.scheduleRetry();
  };

  private onTimeUpdate = () => {
    const video = this.video;
    if (this.hls || !video || video.seekable.length === 0) return;
    const liveEdge = video.seekable.end(video.seekable.length - 1);
    if (liveEdge - video.currentTime > MAX_LIVE_LAG_S) video.currentTime = liveEdge - LIVE_TARGET_LAG_S;
  };

  private unmute = () => {
    this.muted = false;
    const video = this.video;
    if (!video) return;
    video.muted = false;
    this.play(video);
  };
}
