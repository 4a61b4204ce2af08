import { css } from 'lit';

/**
 * The consoles' layout on the widget's design tokens (the same `--live-shop-*` custom properties
 * and defaults), sized for a tablet held either way: one column below 900px, touch targets of at
 * least 44px.
 */
export const consoleStyles = css`
  :host {
    display: block;
    min-height: 100vh;
    background: var(--live-shop-page, #f4f4f5);
    --gap: 1rem;
  }
  header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.75rem;
    padding: 0.75rem var(--gap);
    background: var(--live-shop-stage-background, #0b0b0f);
    color: #fff;
  }
  header h1 {
    margin: 0;
    font-size: 1.15rem;
    flex: 1 1 auto;
  }
  .badge {
    display: inline-block;
    padding: 0.15rem 0.6rem;
    border-radius: 999px;
    font-size: 0.8rem;
    font-weight: 650;
    text-transform: uppercase;
    letter-spacing: 0.03em;
    background: var(--live-shop-border, #e4e4e7);
    color: var(--live-shop-text, #18181b);
  }
  .badge.live,
  .badge.critical {
    background: var(--live-shop-accent, #e11d48);
    color: var(--live-shop-accent-text, #fff);
  }
  .badge.warning {
    background: var(--live-shop-low-stock, #c2410c);
    color: #fff;
  }
  .badge.info {
    background: #2563eb;
    color: #fff;
  }
  main {
    display: grid;
    gap: var(--gap);
    padding: var(--gap);
    grid-template-columns: minmax(0, 1fr);
  }
  @media (min-width: 900px) {
    main {
      grid-template-columns: minmax(0, 3fr) minmax(0, 2fr);
    }
  }
  section {
    background: var(--live-shop-surface, #fff);
    border: 1px solid var(--live-shop-border, #e4e4e7);
    border-radius: var(--live-shop-radius, 12px);
    padding: var(--gap);
    min-width: 0;
  }
  h2 {
    margin: 0 0 0.75rem;
    font-size: 1rem;
  }
  .button {
    min-height: 44px;
  }
  .button.small {
    min-height: 36px;
    padding: 0 0.75rem;
    font-size: 0.85rem;
  }
  .muted {
    color: var(--live-shop-muted, #71717a);
    font-size: 0.85rem;
  }
  .connection {
    font-size: 0.85rem;
    color: #fde68a;
  }
  .signin {
    max-width: 32rem;
    margin: 10vh auto;
  }
  .signin textarea {
    width: 100%;
    box-sizing: border-box;
    min-height: 6rem;
    font: inherit;
    margin: 0.5rem 0 1rem;
  }
  .error {
    color: var(--live-shop-error, #b91c1c);
  }
  input,
  select {
    font: inherit;
    min-height: 36px;
  }
`;
