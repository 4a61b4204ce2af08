import { css } from 'lit';

/*
 * Wide stages show every pinned card side by side over the bottom of the video, each up to 19rem
 * and all of them shrinking together so the last one is never cut off at the edge (a narrow card
 * drops its thumbnail on its own). Under 640px of stage width (the player is the query container),
 * the strip keeps one slim card without its thumbnail and a pager button: about a quarter of a
 * phone's 16:9 video instead of half.
 */
export const pinnedOverlayStyles = css`
  :host {
    position: absolute;
    left: 0;
    right: 0;
    bottom: 0;
    pointer-events: none;
  }
  .base {
    display: flex;
    gap: 0.5rem;
    padding: 0.75rem;
    background: linear-gradient(to top, rgb(0 0 0 / 0.45), transparent);
  }
  live-shop-product-card {
    pointer-events: auto;
    flex: 0 1 19rem;
    min-width: 0;
    animation: rise 240ms ease-out;
  }
  .next {
    display: none;
  }
  @container (max-width: 639.98px) {
    .base {
      align-items: center;
      gap: 0.4rem;
      padding: 0.4rem;
    }
    live-shop-product-card {
      display: none;
      flex: 1 1 auto;
      width: auto;
      min-width: 0;
    }
    live-shop-product-card.current {
      display: block;
    }
    /* No thumbnail: the host is showing the product on camera, and its card in the list has one. */
    live-shop-product-card::part(base) {
      grid-template-columns: minmax(0, 1fr) auto;
      gap: 0.5rem;
      padding: 0.3rem 0.35rem 0.3rem 0.7rem;
    }
    live-shop-product-card::part(image) {
      display: none;
    }
    live-shop-product-card::part(title) {
      font-size: 0.8rem;
    }
    live-shop-product-card::part(price) {
      font-size: 0.8rem;
    }
    live-shop-product-card::part(stock) {
      font-size: 0.72rem;
    }
    live-shop-product-card::part(buy-button) {
      min-height: 2rem;
      padding: 0 0.65rem;
      font-size: 0.75rem;
      white-space: nowrap;
    }
    .next {
      pointer-events: auto;
      display: inline-flex;
      flex: 0 0 auto;
      align-items: center;
      gap: 0.1rem;
      min-height: 2.75rem;
      padding: 0 0.2rem 0 0.45rem;
      border: 0;
      border-radius: 999px;
      font: inherit;
      font-size: 0.75rem;
      font-weight: 700;
      color: #111;
      background: rgb(255 255 255 / 0.92);
      cursor: pointer;
    }
    .next svg {
      width: 1.1rem;
      height: 1.1rem;
    }
    .next:focus-visible {
      outline: 3px solid var(--live-shop-focus-ring, var(--live-shop-accent, #e11d48));
      outline-offset: 2px;
    }
  }
  /* The smallest phones: the pager keeps only its arrow; its label still says "2 of 3". */
  @container (max-width: 329.98px) {
    .next {
      padding: 0 0.4rem;
    }
    .next span {
      display: none;
    }
  }
  @keyframes rise {
    from {
      transform: translateY(0.75rem);
      opacity: 0;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    live-shop-product-card {
      animation: none;
    }
  }
`;
