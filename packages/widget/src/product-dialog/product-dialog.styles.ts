import { css } from 'lit';

export const productDialogStyles = css`
  dialog {
    width: min(28rem, calc(100vw - 2rem));
    max-height: calc(100vh - 2rem);
    padding: 0;
    border: 0;
    border-radius: var(--live-shop-radius, 12px);
    color: var(--live-shop-text, #18181b);
    background: var(--live-shop-surface, #fff);
    box-shadow: 0 24px 64px rgb(0 0 0 / 0.3);
  }
  dialog::backdrop {
    background: rgb(0 0 0 / 0.5);
  }
  dialog[open] {
    animation: appear 160ms ease-out;
  }
  img {
    display: block;
    width: 100%;
    height: auto;
    aspect-ratio: 1;
    object-fit: cover;
    background: var(--live-shop-image-background, #f4f4f5);
  }
  .content {
    display: grid;
    gap: 0.6rem;
    padding: 1rem 1.25rem 1.25rem;
  }
  h2 {
    margin: 0;
    font-size: 1.15rem;
  }
  p {
    margin: 0;
  }
  .price {
    font-weight: 700;
    font-size: 1.1rem;
  }
  .description {
    color: var(--live-shop-muted, #52525b);
    font-size: 0.9rem;
    line-height: 1.45;
  }
  .actions {
    display: flex;
    justify-content: flex-end;
    gap: 0.5rem;
    margin-top: 0.4rem;
  }
  @keyframes appear {
    from {
      opacity: 0;
      transform: scale(0.97);
    }
  }
`;
