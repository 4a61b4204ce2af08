import { css } from 'lit';

export const productCardStyles = css`
  :host {
    display: block;
  }
  .card {
    display: grid;
    grid-template-columns: var(--live-shop-image-size, 5.5rem) minmax(0, 1fr);
    gap: 0.85rem;
    align-items: center;
    padding: 0.7rem;
    border-radius: var(--live-shop-radius, 12px);
    background: var(--live-shop-surface, #fff);
    box-shadow: 0 0 0 1px var(--live-shop-border, #e4e4e7);
  }
  :host([pinned]) .card {
    box-shadow:
      0 0 0 2px var(--live-shop-accent, #e11d48),
      0 6px 18px rgb(0 0 0 / 0.08);
  }
  .media {
    display: block;
    padding: 0;
    border: 0;
    border-radius: calc(var(--live-shop-radius, 12px) - 4px);
    overflow: hidden;
    background: var(--live-shop-image-background, #f4f4f5);
    cursor: pointer;
    aspect-ratio: 1;
  }
  .media img {
    display: block;
    width: 100%;
    height: 100%;
    object-fit: cover;
  }
  .body {
    display: grid;
    gap: 0.2rem;
    min-width: 0;
  }
  .title {
    margin: 0;
    font-size: 0.95rem;
    font-weight: 650;
    line-height: 1.25;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .row {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 0.5rem;
    flex-wrap: wrap;
  }
  .price {
    margin: 0;
    font-weight: 700;
    font-size: 1rem;
  }
  .stock {
    margin: 0;
    display: inline-flex;
    align-items: center;
    gap: 0.35rem;
    font-size: 0.8rem;
    font-weight: 600;
    color: var(--live-shop-in-stock, #15803d);
  }
  .stock::before {
    content: '';
    width: 0.5rem;
    height: 0.5rem;
    border-radius: 50%;
    background: currentColor;
  }
  .stock.low {
    color: var(--live-shop-low-stock, #c2410c);
  }
  .stock.low::before {
    animation: pulse 1.4s ease-in-out infinite;
  }
  .stock.out {
    color: var(--live-shop-muted, #71717a);
  }
  .badge {
    justify-self: start;
    padding: 0.1rem 0.45rem;
    border-radius: 999px;
    font-size: 0.7rem;
    font-weight: 700;
    letter-spacing: 0.04em;
    text-transform: uppercase;
    color: var(--live-shop-accent-text, #fff);
    background: var(--live-shop-accent, #e11d48);
  }
  .notice {
    margin: 0.2rem 0 0;
    font-size: 0.8rem;
    color: var(--live-shop-error, #b91c1c);
  }
  .buy {
    min-width: 6.5rem;
  }
  /* A compact card is its own query container: its width, not the page's, decides what fits. */
  :host([variant='compact']) {
    container-type: inline-size;
  }
  :host([variant='compact']) .card {
    grid-template-columns: 2.75rem minmax(0, 1fr) auto;
    gap: 0.6rem;
    padding: 0.45rem 0.5rem;
    background: rgb(255 255 255 / 0.94);
    backdrop-filter: blur(6px);
  }
  :host([variant='compact']) .title {
    font-size: 0.85rem;
  }
  /* The title truncates instead of pushing Buy Now over the text on a narrow card. */
  :host([variant='compact']) .body {
    grid-template-columns: minmax(0, 1fr);
  }
  :host([variant='compact']) .price {
    font-size: 0.85rem;
  }
  :host([variant='compact']) .buy {
    min-width: 0;
    min-height: 2.25rem;
    padding: 0 0.8rem;
    font-size: 0.8rem;
  }
  /* Three side by side on a small stage: the thumbnail goes, title, price and Buy Now stay whole. */
  @container (max-width: 16rem) {
    :host([variant='compact']) .card {
      grid-template-columns: minmax(0, 1fr) auto;
      padding-left: 0.7rem;
    }
    :host([variant='compact']) .media {
      display: none;
    }
  }
  @keyframes pulse {
    50% {
      opacity: 0.35;
    }
  }
`;
