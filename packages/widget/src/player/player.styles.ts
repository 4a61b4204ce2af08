import { css } from 'lit';

export const playerStyles = css`
  :host {
    display: block;
    position: relative;
    container-type: inline-size;
    /* The box exists at its final size before any media loads, so nothing around it moves. */
    aspect-ratio: 16 / 9;
    background: var(--live-shop-stage-background, #0b0b0f);
    overflow: hidden;
  }
  .base,
  video {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
  }
  video {
    object-fit: contain;
    background: transparent;
  }
  .poster {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
    object-fit: cover;
  }
  .status {
    position: absolute;
    inset: 0;
    display: grid;
    place-items: center;
    margin: 0;
    padding: 1rem;
    text-align: center;
    color: #fff;
    font-size: 0.95rem;
    background: rgb(0 0 0 / 0.45);
  }
  .unmute {
    position: absolute;
    top: 0.75rem;
    right: 0.75rem;
    display: inline-flex;
    align-items: center;
    gap: 0.4rem;
    padding: 0.45rem 0.8rem;
    border: 0;
    border-radius: 999px;
    font: inherit;
    font-size: 0.85rem;
    font-weight: 600;
    color: #111;
    background: rgb(255 255 255 / 0.92);
    cursor: pointer;
    z-index: 2;
  }
  .unmute:focus-visible {
    outline: 3px solid var(--live-shop-focus-ring, var(--live-shop-accent, #e11d48));
    outline-offset: 2px;
  }
  .unmute svg {
    width: 1rem;
    height: 1rem;
  }
  /* On a small stage the button shrinks to its icon; the label stays for screen readers. */
  @container (max-width: 639.98px) {
    .unmute {
      padding: 0.55rem;
    }
    .unmute .label {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
      white-space: nowrap;
    }
  }
  ::slotted(*) {
    z-index: 1;
  }
`;
