import { css } from 'lit';

/** Focus ring and the visually-hidden helper every part uses. */
export const sharedStyles = css`
  :host {
    font-family: var(--live-shop-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    color: var(--live-shop-text, #18181b);
  }
  :focus-visible {
    outline: 3px solid var(--live-shop-focus-ring, var(--live-shop-accent, #e11d48));
    outline-offset: 2px;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
  .button {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    min-height: 2.5rem;
    padding: 0 1rem;
    border: 0;
    border-radius: var(--live-shop-button-radius, 999px);
    font: inherit;
    font-weight: 650;
    font-size: 0.9rem;
    color: var(--live-shop-accent-text, #fff);
    background: var(--live-shop-accent, #e11d48);
    cursor: pointer;
    transition: filter 120ms ease;
  }
  .button:hover:not(:disabled) {
    filter: brightness(1.08);
  }
  .button:disabled {
    cursor: not-allowed;
    color: var(--live-shop-muted, #71717a);
    background: var(--live-shop-disabled, #e4e4e7);
  }
  .button.secondary {
    color: var(--live-shop-text, #18181b);
    background: transparent;
    box-shadow: inset 0 0 0 1px var(--live-shop-border, #d4d4d8);
  }
  @media (prefers-reduced-motion: reduce) {
    *,
    *::before,
    *::after {
      animation: none !important;
      transition: none !important;
    }
  }
`;
