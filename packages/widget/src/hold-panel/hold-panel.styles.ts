import { css } from 'lit';

export const holdPanelStyles = css`
  :host {
    display: block;
  }
  .base {
    display: grid;
    gap: 0.5rem;
    padding: 0.75rem;
    border-top: 1px solid var(--live-shop-border, #e4e4e7);
    background: var(--live-shop-hold-background, #fff7ed);
  }
  h2 {
    margin: 0;
    font-size: 0.8rem;
    font-weight: 700;
    letter-spacing: 0.04em;
    text-transform: uppercase;
    color: var(--live-shop-low-stock, #c2410c);
  }
  ul {
    display: grid;
    gap: 0.5rem;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  li {
    display: grid;
    grid-template-columns: minmax(0, 1fr) auto;
    gap: 0.25rem 0.75rem;
    align-items: center;
  }
  /* Next to two buttons on a phone a name rarely fits one line: it may take two, then it ends in an ellipsis. */
  .title {
    display: -webkit-box;
    -webkit-box-orient: vertical;
    -webkit-line-clamp: 2;
    margin: 0;
    font-weight: 650;
    font-size: 0.9rem;
    line-height: 1.25;
    overflow: hidden;
    overflow-wrap: anywhere;
  }
  .countdown {
    margin: 0;
    font-size: 0.8rem;
    font-variant-numeric: tabular-nums;
    color: var(--live-shop-muted, #52525b);
  }
  .actions {
    grid-row: 1 / span 2;
    grid-column: 2;
    display: flex;
    gap: 0.4rem;
  }
  .actions .button {
    min-height: 2.25rem;
    padding: 0 0.85rem;
    font-size: 0.8rem;
  }
`;
