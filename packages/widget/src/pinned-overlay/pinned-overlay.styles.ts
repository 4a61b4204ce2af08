import { css } from 'lit';

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
    overflow-x: auto;
    scrollbar-width: none;
    background: linear-gradient(to top, rgb(0 0 0 / 0.45), transparent);
  }
  live-shop-product-card {
    pointer-events: auto;
    flex: 0 0 auto;
    width: min(19rem, 80%);
    animation: rise 240ms ease-out;
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
